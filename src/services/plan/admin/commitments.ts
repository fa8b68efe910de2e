// An objective's commitments, in positions 0, 1, 2... within their objective, with their lead
// agencies, named contacts and target date.
import type { Actor, Db } from "../../audit.ts";
import { FieldError, ServiceError, notFound } from "../../errors.ts";
import {
  type AdminContext,
  DELETE_REFUSED,
  type Direction,
  byPosition,
  hasReviews,
  move,
  refusingReviewed,
  writeOrder,
} from "./shared.ts";

export interface CommitmentInput {
  text: string;
  allAgencies: boolean;
  agencyIds: number[];
  /** When it should be done; null when the plan sets no date. */
  targetDate?: Date | null;
  /** A named contact in some of its lead agencies; a blank name is no contact. */
  contacts?: { agencyId: number; name: string }[];
}

/** A named contact's name, as long as a person's name needs. */
export const CONTACT_MAX = 100;

export const commitmentSnapshot = (c: {
  text: string;
  allAgencies: boolean;
  objectiveId: number;
  position: number;
  targetDate?: Date | null;
}) => ({
  objectiveId: c.objectiveId,
  position: c.position,
  text: c.text,
  allAgencies: c.allAgencies,
  targetDate: c.targetDate ?? null,
});

/** The contacts to store (those given, else those it had): one per lead agency named, blank ones left out. */
const contactsOf = (input: CommitmentInput, had: { agencyId: number; name: string }[] = []) => {
  const leads = input.allAgencies ? [] : input.agencyIds;
  const named = new Map<number, string>();
  for (const c of input.contacts ?? had) {
    if (!leads.includes(c.agencyId) || c.name.trim() === "") continue;
    if (c.name.trim().length > CONTACT_MAX)
      throw new FieldError(`contact-${c.agencyId}`, "The contact's name must be 100 characters or fewer");
    named.set(c.agencyId, c.name.trim());
  }
  return [...named].map(([agencyId, name]) => ({ agencyId, name }));
};

/** Lead agencies must be agencies still in the partnership (or already leading this commitment). */
async function checkLeads(db: Db, input: CommitmentInput, current: number[] = []) {
  if (input.allAgencies && input.agencyIds.length > 0)
    throw new FieldError("leads", "Select either the lead agencies or All agencies, not both");
  if (!input.allAgencies && input.agencyIds.length === 0)
    throw new FieldError("leads", "Select the lead agencies, or All agencies");
  const found = await db.agency.findMany({ where: { id: { in: input.agencyIds } } });
  const allowed = (id: number) => found.some((a) => a.id === id && (a.active || current.includes(id)));
  if (!input.agencyIds.every(allowed)) throw new FieldError("leads", "Select lead agencies from the list");
}

export function commitmentsAdmin({ prisma, audit, now, inPlan, findObjective }: AdminContext) {
  async function findCommitment(startYear: number, id: number, db: Db = prisma) {
    const row = await db.commitment.findFirst({
      where: { id, objective: inPlan(startYear) },
      include: {
        objective: true,
        leads: { include: { agency: true }, orderBy: { agency: { position: "asc" } } },
        contacts: { orderBy: { agency: { position: "asc" } } },
      },
    });
    if (!row) throw notFound("commitment");
    return row;
  }

  return {
    getCommitment: (startYear: number, id: number) => findCommitment(startYear, id),

    async commitmentHasReviews(startYear: number, id: number) {
      await findCommitment(startYear, id);
      return hasReviews(prisma, { commitmentId: id });
    },

    async addCommitment(actor: Actor, startYear: number, objectiveId: number, input: CommitmentInput) {
      await findObjective(startYear, objectiveId);
      await checkLeads(prisma, input);
      return prisma.$transaction(async (tx) => {
        const objective = await findObjective(startYear, objectiveId, tx);
        const position = await tx.commitment.count({ where: { objectiveId: objective.id } });
        const row = await tx.commitment.create({
          data: {
            objectiveId: objective.id,
            position,
            text: input.text,
            allAgencies: input.allAgencies,
            targetDate: input.targetDate ?? null,
            leads: input.allAgencies ? undefined : { create: input.agencyIds.map((agencyId) => ({ agencyId })) },
            contacts: { create: contactsOf(input) },
          },
        });
        await audit.record(
          {
            actor,
            action: "commitment.added",
            entityType: "Commitment",
            entityId: row.id,
            after: {
              ...commitmentSnapshot(row),
              agencyIds: input.allAgencies ? [] : input.agencyIds,
              contacts: contactsOf(input),
            },
          },
          tx,
        );
        return row;
      });
    },

    async updateCommitment(actor: Actor, startYear: number, id: number, input: CommitmentInput) {
      const current = await findCommitment(startYear, id);
      await checkLeads(
        prisma,
        input,
        current.leads.map((l) => l.agencyId),
      );
      return prisma.$transaction(async (tx) => {
        const before = await findCommitment(startYear, id, tx);
        const agencyIds = input.allAgencies ? [] : input.agencyIds;
        await tx.commitmentLead.deleteMany({ where: { commitmentId: id } });
        if (agencyIds.length > 0)
          await tx.commitmentLead.createMany({ data: agencyIds.map((agencyId) => ({ commitmentId: id, agencyId })) });
        const contacts = contactsOf(input, before.contacts);
        await tx.commitmentContact.deleteMany({ where: { commitmentId: id } });
        if (contacts.length > 0)
          await tx.commitmentContact.createMany({ data: contacts.map((c) => ({ commitmentId: id, ...c })) });
        const after = await tx.commitment.update({
          where: { id },
          data: { text: input.text, allAgencies: input.allAgencies, targetDate: input.targetDate },
        });
        await audit.record(
          {
            actor,
            action: "commitment.updated",
            entityType: "Commitment",
            entityId: id,
            before: {
              ...commitmentSnapshot(before),
              agencyIds: before.leads.map((l) => l.agencyId),
              contacts: before.contacts.map((c) => ({ agencyId: c.agencyId, name: c.name })),
            },
            after: { ...commitmentSnapshot(after), agencyIds, contacts },
          },
          tx,
        );
        return after;
      });
    },

    async moveCommitment(actor: Actor, startYear: number, id: number, direction: Direction) {
      return prisma.$transaction(async (tx) => {
        const row = await findCommitment(startYear, id, tx);
        const siblings = await tx.commitment.findMany({ where: { objectiveId: row.objectiveId }, orderBy: byPosition });
        const moved = await move(siblings, id, direction, 0, (cid, position) =>
          tx.commitment.update({ where: { id: cid }, data: { position } }),
        );
        if (moved)
          await audit.record(
            {
              actor,
              action: "commitment.moved",
              entityType: "Commitment",
              entityId: id,
              before: { order: moved.before },
              after: { order: moved.after },
            },
            tx,
          );
        return moved !== undefined;
      });
    },

    async setCommitmentRetired(actor: Actor, startYear: number, id: number, retired: boolean) {
      return prisma.$transaction(async (tx) => {
        const before = await findCommitment(startYear, id, tx);
        if ((before.retiredAt !== null) === retired) return false;
        const after = await tx.commitment.update({ where: { id }, data: { retiredAt: retired ? now() : null } });
        await audit.record(
          {
            actor,
            action: retired ? "commitment.retired" : "commitment.restored",
            entityType: "Commitment",
            entityId: id,
            before: { retiredAt: before.retiredAt },
            after: { retiredAt: after.retiredAt },
          },
          tx,
        );
        return true;
      });
    },

    async deleteCommitment(actor: Actor, startYear: number, id: number) {
      return refusingReviewed("commitment", () =>
        prisma.$transaction(async (tx) => {
          const before = await findCommitment(startYear, id, tx);
          if (await hasReviews(tx, { commitmentId: id })) throw new ServiceError(409, DELETE_REFUSED("commitment"));
          await tx.commitment.delete({ where: { id } });
          const rest = await tx.commitment.findMany({
            where: { objectiveId: before.objectiveId },
            orderBy: byPosition,
          });
          await writeOrder(
            rest,
            rest.map((r) => r.id),
            0,
            (cid, position) => tx.commitment.update({ where: { id: cid }, data: { position } }),
          );
          await audit.record(
            {
              actor,
              action: "commitment.deleted",
              entityType: "Commitment",
              entityId: id,
              before: { ...commitmentSnapshot(before), agencyIds: before.leads.map((l) => l.agencyId) },
            },
            tx,
          );
          return before;
        }),
      );
    },
  };
}
