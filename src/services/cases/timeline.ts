// A case's timeline: contact attempts, notes, support and referrals (a referral with details but
// without consent is a safeguarding override, and coordinators are told), status changes by hand,
// and the person's consent to sharing. Each is an entry, its text sealed to its row.
import { randomUUID } from "node:crypto";
import type { Prisma } from "../../generated/prisma/client.ts";
import { FieldError, ServiceError } from "../errors.ts";
import type { CaseActor, CaseContext } from "./context.ts";
import { type CaseStatus, consentRefusal, statusAfter, statusChangeRefusal } from "./rules.ts";

export type EntryInput =
  | { kind: "CONTACT"; contactMethod: string; contactMade: boolean; body: string | null }
  | { kind: "NOTE"; body: string }
  | { kind: "SUPPORT"; supportKind: string; supportAccepted: boolean; body: string | null }
  | {
      kind: "REFERRAL";
      referralTo: string;
      withDetails: boolean;
      crimeReference: string | null;
      body: string | null;
      overrideReason: string | null;
    };

export function caseTimeline(context: CaseContext) {
  const { prisma, options, now, seal, findVisible, saveVersioned, record, addTimelineEntry } = context;
  return {
    /** A contact attempt, note, support offered or referral; the case moves forward when work shows it. */
    async addEntry(actor: CaseActor, reference: string, entry: EntryInput) {
      const emailIds: number[] = [];
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it to record more");
        if (kase.status === "NEW" && entry.kind !== "NOTE") throw new ServiceError(409, "Triage this report first");
        if (kase.personalDataDeletedAt) throw new ServiceError(409, "This case's personal data has been deleted");
        const id = randomUUID();
        let status: CaseStatus = kase.status as CaseStatus;
        const data: Prisma.CaseEntryUncheckedCreateInput = {
          id,
          caseId: kase.id,
          kind: entry.kind,
          authorId: actor.id,
          createdAt: now(),
          body: seal("CaseEntry", "body", id, entry.body),
        };
        if (entry.kind === "CONTACT") {
          Object.assign(data, { contactMethod: entry.contactMethod, contactMade: entry.contactMade });
          if (entry.contactMade) status = statusAfter(status, "IN_CONTACT");
        } else if (entry.kind === "SUPPORT") {
          Object.assign(data, { supportKind: entry.supportKind, supportAccepted: entry.supportAccepted });
          if (entry.supportAccepted) status = statusAfter(status, "SUPPORTING");
        } else if (entry.kind === "REFERRAL") {
          const refusal = consentRefusal({ ...entry, consentToShare: kase.consentToShare });
          if (refusal) throw new FieldError("withDetails", refusal);
          Object.assign(data, {
            referralTo: entry.referralTo,
            withDetails: entry.withDetails,
            crimeReference: seal("CaseEntry", "crimeReference", id, entry.crimeReference),
          });
          status = statusAfter(status, "REFERRED");
          if (entry.withDetails && !kase.consentToShare) {
            await addTimelineEntry(tx, kase.id, actor, { kind: "SAFEGUARDING_OVERRIDE", body: entry.overrideReason });
            await record(actor, "case.safeguarding-override", kase.report.reference, tx, {
              referralTo: entry.referralTo,
            });
            emailIds.push(...((await options.notifications?.safeguardingOverride(kase.report.reference, tx)) ?? []));
          }
        }
        await tx.caseEntry.create({ data: { ...data, status: status === kase.status ? null : status } });
        const firstContact = entry.kind === "CONTACT" && kase.firstContactAt === null;
        if (status !== kase.status || firstContact)
          await tx.case.update({
            where: { id: kase.id },
            data: { status, ...(firstContact ? { firstContactAt: now() } : {}), version: { increment: 1 } },
          });
        await record(actor, `case.${entry.kind.toLowerCase()}-recorded`, kase.report.reference, tx, {
          entryId: id,
          ...(status !== kase.status ? { status } : {}),
        });
      });
      if (emailIds.length) await options.notifications?.dispatch(emailIds);
    },

    /** A status chosen by hand (the working statuses; closing has its own form). */
    async changeStatus(actor: CaseActor, reference: string, version: number, to: CaseStatus, note: string | null) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        const refusal = statusChangeRefusal(kase.status as CaseStatus, to);
        if (refusal) throw new FieldError("status", refusal);
        await saveVersioned(tx, kase.id, version, { status: to });
        await addTimelineEntry(tx, kase.id, actor, { kind: "STATUS", status: to, body: note });
        await record(actor, "case.status-changed", kase.report.reference, tx, { from: kase.status, to });
      });
    },

    /** The person's consent to their details being shared, as they gave or withdrew it. */
    async recordConsent(actor: CaseActor, reference: string, version: number, consent: boolean, note: string | null) {
      await prisma.$transaction(async (tx) => {
        const kase = await findVisible(actor, reference, tx);
        if (kase.status === "CLOSED") throw new ServiceError(409, "This case is closed. Reopen it first");
        await saveVersioned(tx, kase.id, version, { consentToShare: consent });
        await addTimelineEntry(tx, kase.id, actor, {
          kind: consent ? "CONSENT_GIVEN" : "CONSENT_WITHDRAWN",
          body: note,
        });
        await record(actor, "case.consent-recorded", kase.report.reference, tx, { consentToShare: consent });
      });
    },
  };
}
