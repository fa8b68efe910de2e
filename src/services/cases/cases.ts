// A report's case, from triage to closing: who may see it (access.ts), what moves it (rules.ts),
// and the risk assessment (risk.ts). Everything personal is encrypted bound to its row, and every
// opening and change of a case is written to the audit trail under the report's reference.
// Each part has its own file here (the list, the case's page, triage, the timeline, actions and
// closing, sharing context.ts); this one puts them together as one service.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { caseActions } from "./actions.ts";
import { caseClosing } from "./closing.ts";
import { type CaseServiceOptions, caseContext } from "./context.ts";
import { caseList } from "./list.ts";
import { casePage } from "./page.ts";
import { caseTimeline } from "./timeline.ts";
import { caseTriage } from "./triage.ts";

export { type CaseActor, CaseConflict, type CaseServiceOptions } from "./context.ts";
export { CASES_PAGE_SIZE, type CaseFilters } from "./list.ts";
export type { EntryInput } from "./timeline.ts";
export type { TriageInput } from "./triage.ts";

export function caseService(prisma: PrismaClient, options: CaseServiceOptions) {
  const context = caseContext(prisma, options);
  const { visibleWhere, list, counts, caseworkers, workFor } = caseList(context);
  const { open, openWithReport, version, assertVisible } = casePage(context);
  const { triage } = caseTriage(context);
  const { addEntry, changeStatus, recordConsent } = caseTimeline(context);
  const { addAction, completeAction } = caseActions(context);
  const { close, reopen } = caseClosing(context);
  // In the order the service has always listed them.
  return {
    visibleWhere,
    list,
    counts,
    open,
    openWithReport,
    version,
    triage,
    addEntry,
    changeStatus,
    recordConsent,
    addAction,
    completeAction,
    close,
    reopen,
    assertVisible,
    caseworkers,
    workFor,
  };
}

export type CaseService = ReturnType<typeof caseService>;
