// The partnership's member agencies, and coordinators' management of them: add, change,
// deactivate / reactivate, reorder and (only while nothing refers to one) delete. Every change is
// audited in the same transaction.
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { auditService, type Actor, type AuditService, type Db } from "./audit.ts";
import { FieldError, ServiceError, notFound } from "./errors.ts";

export interface AgencyInput {
  /** Short name used in the plan, e.g. "NSC": 2 to 20 letters or digits. */
  code: string;
  name: string;
  description: string;
  /** An http(s) address, or null. */
  website: string | null;
}

/** What refers to an agency: while any of these exist it can be deactivated but not deleted. */
export interface AgencyUses {
  accounts: number;
  leadRoles: number;
  risks: number;
  reviews: number;
}

const ORDER = [{ position: "asc" }, { name: "asc" }, { id: "asc" }] satisfies Prisma.AgencyOrderByWithRelationInput[];

const summary = (a: {
  code: string;
  name: string;
  description: string;
  website: string | null;
  active: boolean;
  position: number;
}) => ({
  code: a.code,
  name: a.name,
  description: a.description,
  website: a.website,
  active: a.active,
  position: a.position,
});

/**
 * The agencies a form may offer for a new account, lead role or risk owner: the active ones, and
 * any inactive one already chosen (listed in `keep`), so editing an old record does not lose it.
 */
export function offeredAgencies(db: Db, keep: readonly (number | null | undefined)[] = []) {
  const ids = keep.filter((id): id is number => typeof id === "number");
  return db.agency.findMany({
    where: ids.length ? { OR: [{ active: true }, { id: { in: ids } }] } : { active: true },
    orderBy: ORDER,
  });
}

/** True when every id is an agency a form may offer (see offeredAgencies). */
export async function agenciesOffered(
  db: Db,
  ids: readonly number[],
  keep: readonly (number | null | undefined)[] = [],
): Promise<boolean> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return true;
  const kept = keep.filter((id): id is number => typeof id === "number");
  const found = await db.agency.count({
    where: { id: { in: wanted }, OR: [{ active: true }, { id: { in: kept.length ? kept : [-1] } }] },
  });
  return found === wanted.length;
}

const prismaCode = (err: unknown) => (err as { code?: unknown } | null)?.code;

export function agencyService(prisma: PrismaClient, audit: AuditService = auditService(prisma)) {
  async function find(id: number, db: Db = prisma) {
    const agency = await db.agency.findUnique({ where: { id } });
    if (!agency) throw notFound("agency");
    return agency;
  }

  /** Refuses a code another agency has, whatever its case ("nsc" and "NSC" are the same agency). */
  async function checkCode(code: string, existingId?: number) {
    const clash = await prisma.agency.findFirst({
      where: { code: { equals: code, mode: "insensitive" }, ...(existingId ? { id: { not: existingId } } : {}) },
    });
    if (clash) throw new FieldError("code", `Another agency already uses the code ${clash.code}`);
  }

  async function uses(id: number, db: Db = prisma): Promise<AgencyUses> {
    const [accounts, leadRoles, risks, reviews, reviewVersions] = await Promise.all([
      db.user.count({ where: { agencyId: id } }),
      db.commitmentLead.count({ where: { agencyId: id } }),
      db.risk.count({ where: { ownerAgencyId: id } }),
      db.review.count({ where: { authorAgencyId: id } }),
      db.reviewVersion.count({ where: { authorAgencyId: id } }),
    ]);
    return { accounts, leadRoles, risks, reviews: Math.max(reviews, reviewVersions) };
  }

  const inUse = (u: AgencyUses) => u.accounts + u.leadRoles + u.risks + u.reviews > 0;

  /**
   * Saves a change, turning what another coordinator did at the same moment into a clear answer:
   * the same code saved first (the database's unique index) or the agency deleted meanwhile.
   */
  async function saving<T>(code: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (prismaCode(err) === "P2002") throw new FieldError("code", `Another agency already uses the code ${code}`);
      if (prismaCode(err) === "P2025") throw notFound("agency");
      throw err;
    }
  }

  return {
    /** Every agency, active or not, in the partnership's order. */
    list: () => prisma.agency.findMany({ orderBy: ORDER }),

    /** Agencies a form may offer: the active ones and any already chosen in `keep`. */
    offered: (keep: readonly (number | null | undefined)[] = []) => offeredAgencies(prisma, keep),

    /** Whether these agencies may be chosen now (active, or already chosen in `keep`). */
    areOffered: (ids: readonly number[], keep: readonly (number | null | undefined)[] = []) =>
      agenciesOffered(prisma, ids, keep),

    /** Every agency with how many accounts, lead roles and risks refer to it, for the coordinators' list. */
    async overview() {
      const agencies = await prisma.agency.findMany({
        orderBy: ORDER,
        include: { _count: { select: { users: true, commitmentLeads: true, risks: true } } },
      });
      return agencies.map(({ _count, ...a }) => ({
        ...a,
        accounts: _count.users,
        leadRoles: _count.commitmentLeads,
        risks: _count.risks,
      }));
    },

    get: (id: number) => find(id),

    uses: (id: number) => uses(id),

    async create(actor: Actor, input: AgencyInput) {
      await checkCode(input.code);
      return saving(input.code, () =>
        prisma.$transaction(async (tx) => {
          const last = await tx.agency.aggregate({ _max: { position: true } });
          const agency = await tx.agency.create({ data: { ...input, position: (last._max.position ?? -1) + 1 } });
          await audit.record(
            { actor, action: "agency.created", entityType: "Agency", entityId: agency.id, after: summary(agency) },
            tx,
          );
          return agency;
        }),
      );
    },

    async update(actor: Actor, id: number, input: AgencyInput) {
      const before = await find(id);
      await checkCode(input.code, id);
      return saving(input.code, () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.agency.update({ where: { id }, data: input });
          await audit.record(
            {
              actor,
              action: "agency.updated",
              entityType: "Agency",
              entityId: id,
              before: summary(before),
              after: summary(after),
            },
            tx,
          );
          return after;
        }),
      );
    },

    /** An inactive agency keeps its history but is not offered for new accounts or lead roles, nor listed publicly. */
    async setActive(actor: Actor, id: number, active: boolean) {
      const before = await find(id);
      return saving(before.code, () =>
        prisma.$transaction(async (tx) => {
          const after = await tx.agency.update({ where: { id }, data: { active } });
          await audit.record(
            {
              actor,
              action: active ? "agency.reactivated" : "agency.deactivated",
              entityType: "Agency",
              entityId: id,
              before: { active: before.active },
              after: { active },
            },
            tx,
          );
          return after;
        }),
      );
    },

    /** Moves an agency one place up or down the partnership's order (positions become 0, 1, 2...). */
    async move(actor: Actor, id: number, direction: "up" | "down") {
      await find(id);
      return prisma.$transaction(async (tx) => {
        const all = await tx.agency.findMany({ orderBy: ORDER, select: { id: true, code: true, position: true } });
        const from = all.findIndex((a) => a.id === id);
        const to = direction === "up" ? from - 1 : from + 1;
        if (from < 0 || to < 0 || to >= all.length) return false;
        const order = [...all];
        [order[from], order[to]] = [order[to]!, order[from]!];
        for (const [position, a] of order.entries()) {
          if (a.position !== position) await tx.agency.update({ where: { id: a.id }, data: { position } });
        }
        await audit.record(
          {
            actor,
            action: "agency.reordered",
            entityType: "Agency",
            entityId: id,
            before: { order: all.map((a) => a.code) },
            after: { order: order.map((a) => a.code) },
          },
          tx,
        );
        return true;
      });
    },

    /**
     * Deletes an agency nothing refers to. The row is locked first, so an account or lead role
     * added at the same moment either is counted here or waits and then fails. Before that, this
     * joins the queue every writer joins at its first write (the data_version migration), so the
     * row lock cannot deadlock with a writer already in the queue.
     */
    async remove(actor: Actor, id: number) {
      return prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "DataVersion" WHERE id = 1 FOR UPDATE`;
        const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Agency" WHERE id = ${id} FOR UPDATE`;
        if (locked.length === 0) throw notFound("agency");
        const agency = await find(id, tx);
        const used = await uses(id, tx);
        if (inUse(used)) throw new ServiceError(409, refusal(agency.name, used));
        await tx.agency.delete({ where: { id } });
        await audit.record(
          { actor, action: "agency.deleted", entityType: "Agency", entityId: id, before: summary(agency) },
          tx,
        );
        return agency;
      });
    },

    inUse,
  };
}

/** "1 account and 3 lead roles" */
export function describeUses(u: AgencyUses): string {
  const parts = [
    [u.accounts, "account", "accounts"],
    [u.leadRoles, "commitment lead role", "commitment lead roles"],
    [u.risks, "risk", "risks"],
    [u.reviews, "review", "reviews"],
  ] as const;
  const named = parts.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
  return named.length <= 1 ? named.join("") : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
}

export function refusal(name: string, u: AgencyUses): string {
  return `${name} cannot be deleted because it has ${describeUses(u)}. Deactivate it instead: it will no longer be offered for new accounts or lead roles, and its history is kept.`;
}

export type AgencyService = ReturnType<typeof agencyService>;
