// What every part of the case service shares: sealing what is personal to its row, the cases a
// partner may see (access.ts's scope as a database filter), finding one by its report's reference,
// saving a case's own fields only at the version its form was opened at, writing a timeline entry,
// and auditing under the report's reference.
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor, AuditService, Db } from "../audit.ts";
import { rowBinding } from "../encrypted-columns.ts";
import type { EncryptionService } from "../encryption.ts";
import { ServiceError, notFound } from "../errors.ts";
import { normaliseReference } from "../reports/follow-up.ts";
import { type CaseUser, caseScope } from "./access.ts";
import type { ReportService } from "../reports/reports.ts";
import type { CaseNotificationService } from "./notifications.ts";
import type { CaseStatus } from "./rules.ts";

export type CaseActor = Actor & CaseUser;

export const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

export interface CaseServiceOptions {
  encryption: EncryptionService;
  audit: AuditService;
  /** The report behind each case, opened with it on the case page (services/reports/reports.ts). */
  reports?: Pick<ReportService, "open">;
  /** Tells coordinators of a safeguarding override, by reference only (services/cases/notifications.ts). */
  notifications?: Pick<CaseNotificationService, "safeguardingOverride" | "dispatch">;
  now?: () => Date;
}

/** A stale save: the case changed since the form was opened. */
export class CaseConflict extends ServiceError {
  constructor(readonly current: { version: number }) {
    super(409, "Someone else changed this case after you opened it");
  }
}

/** What each part is made with, and the look-ups and writes more than one part needs. */
export function caseContext(prisma: PrismaClient, options: CaseServiceOptions) {
  const { encryption, audit } = options;
  const now = options.now ?? (() => new Date());
  const seal = (table: string, column: string, id: string, value: string | null) =>
    value === null ? null : encryption.encrypt(value, rowBinding(table, column, id));
  const unseal = (table: string, column: string, id: string, token: string | null) =>
    token === null ? null : encryption.decrypt(token, rowBinding(table, column, id));

  /** The cases a partner may see, as a Prisma filter; null when they may see none. */
  function visible(user: CaseUser): Prisma.CaseWhereInput | null {
    const scope = caseScope(user);
    if ("none" in scope) return null;
    if ("all" in scope) return {};
    return { OR: [{ leadAgencyId: scope.agencyId }, { shares: { some: { agencyId: scope.agencyId } } }] };
  }

  /** The filter for one case the partner may see, by its report's reference; 404 when there can be none. */
  function visibleByReference(user: CaseUser, reference: string): Prisma.CaseWhereInput {
    const scope = visible(user);
    const found = normaliseReference(reference);
    if (!scope || !found) throw notFound("case");
    return { AND: [scope, { report: { reference: found } }] };
  }

  /** A case the partner may see, by its report's reference; 404 for any other (it may not exist). */
  async function findVisible(user: CaseUser, reference: string, db: Db = prisma) {
    const row = await db.case.findFirst({
      where: visibleByReference(user, reference),
      include: {
        report: { select: { reference: true, receivedAt: true, personalDataDeletedAt: true, wants: true } },
        shares: { select: { agencyId: true } },
        _count: { select: { actions: { where: { doneAt: null } } } },
      },
    });
    if (!row) throw notFound("case");
    return row;
  }

  /** Changes a case's own fields only if nobody else has since the form was opened. */
  async function saveVersioned(db: Db, id: string, version: number, data: Prisma.CaseUncheckedUpdateInput) {
    const { count } = await db.case.updateMany({
      where: { id, version },
      data: { ...data, version: { increment: 1 } },
    });
    if (count === 0) {
      const current = await db.case.findUniqueOrThrow({ where: { id }, select: { version: true } });
      throw new CaseConflict(current);
    }
  }

  const record = (actor: CaseActor, action: string, reference: string, db: Db, after?: object) =>
    audit.record({ actor, action, entityType: "Case", entityId: reference, after }, db);

  /** A timeline entry of a status, consent or override, by `actor`, with its note encrypted. */
  async function addTimelineEntry(
    db: Db,
    caseId: string,
    actor: CaseActor,
    entry: { kind: string; status?: CaseStatus; body?: string | null; at?: Date },
  ) {
    const id = randomUUID();
    await db.caseEntry.create({
      data: {
        id,
        caseId,
        kind: entry.kind,
        status: entry.status ?? null,
        authorId: actor.id,
        createdAt: entry.at ?? now(),
        body: seal("CaseEntry", "body", id, entry.body ?? null),
      },
    });
  }

  return {
    prisma,
    options,
    now,
    seal,
    unseal,
    visible,
    visibleByReference,
    findVisible,
    saveVersioned,
    record,
    addTimelineEntry,
  };
}

export type CaseContext = ReturnType<typeof caseContext>;
