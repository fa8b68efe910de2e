// The append-only audit trail: who did what, to what, when, with the record before and after.
// Writes take the caller's transaction so the event commits with the change or not at all.
// There is deliberately no update or delete here (and the database refuses them too).
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient | Prisma.TransactionClient;

export interface Actor {
  id: number;
  email: string;
}

export interface AuditEntry {
  actor?: Actor | null;
  /** Who was named when there is no account, e.g. the email typed at a failed sign-in. */
  actorEmail?: string;
  action: string;
  entityType: string;
  entityId?: string | number;
  before?: unknown;
  after?: unknown;
  ip?: string;
}

export const AUDIT_PAGE_SIZE = 50;

const json = (value: unknown) =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);

export interface AuditFilter {
  action?: string;
  actorEmail?: string;
  entityType?: string;
  page: number;
}

export function auditService(prisma: PrismaClient) {
  // Every change is audited, so this count moves whenever data may have changed (page cache).
  let recorded = 0;
  return {
    changes: () => recorded,

    async record(entry: AuditEntry, db: Db = prisma): Promise<void> {
      await db.auditEvent.create({
        data: {
          actorId: entry.actor?.id ?? null,
          actorEmail: (entry.actor?.email ?? entry.actorEmail ?? "").slice(0, 254),
          action: entry.action,
          entityType: entry.entityType,
          entityId: entry.entityId === undefined ? "" : String(entry.entityId),
          before: json(entry.before),
          after: json(entry.after),
          ip: entry.ip ?? "",
        },
      });
      recorded += 1;
    },

    /** A page of events, newest first, with the filters coordinators use. */
    async list(filter: AuditFilter) {
      const where: Prisma.AuditEventWhereInput = {
        ...(filter.action && { action: { startsWith: filter.action } }),
        ...(filter.actorEmail && { actorEmail: { contains: filter.actorEmail, mode: "insensitive" } }),
        ...(filter.entityType && { entityType: filter.entityType }),
      };
      const [total, events, actions] = await Promise.all([
        prisma.auditEvent.count({ where }),
        prisma.auditEvent.findMany({
          where,
          orderBy: { id: "desc" },
          skip: (filter.page - 1) * AUDIT_PAGE_SIZE,
          take: AUDIT_PAGE_SIZE,
        }),
        prisma.auditEvent.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
      ]);
      return {
        events,
        total,
        page: filter.page,
        pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
        actions: actions.map((a) => a.action),
      };
    },
  };
}

export type AuditService = ReturnType<typeof auditService>;
