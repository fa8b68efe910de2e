// Cases in the partner area: the list (the triage queue is its "New" filter), a case's page with
// the report's answers, its timeline, actions and messages, and the print for a subject access
// request. Only accounts with case access reach these (route access "cases"); the service checks
// each case again, so another agency's case is "not found".
import type { Request, Response } from "express";
import { formatDate, formatDateTime } from "../../../content/dates.ts";
import type { Services } from "../../../services/index.ts";
import { RISK_LEVEL_TEXT, RISK_QUESTIONS } from "../../../services/cases/risk.ts";
import { CASES_PAGE_SIZE } from "../../../services/cases/cases.ts";
import {
  ASSESSMENTS,
  CASE_STATUSES,
  CASE_STATUS_TEXT,
  CONTACT_METHODS,
  OUTCOMES,
  REFERRAL_SERVICES,
  SUPPORT_KINDS,
  daysOpen,
} from "../../../services/cases/rules.ts";
import { OTHER_AREAS, STRANDS } from "../../../services/reports/questions.ts";
import { type FormErrors, type FormValues, parseForm } from "../../forms.ts";
import { paginationParams } from "../../pagination.ts";
import { get, post, type PartnerRoute } from "../route-table.ts";
import { answerSections, paragraphs, word, words } from "./answers.ts";
import { type ListQuery, listQuery, messageForm } from "./forms.ts";
import { casePath, referenceOf, riskTag, statusTag } from "./links.ts";
import { caseWorkRoutes } from "./work.ts";

/** One timeline entry in words. */
function entryText(e: {
  kind: string;
  contactMethod: string | null;
  contactMade: boolean | null;
  supportKind: string | null;
  supportAccepted: boolean | null;
  referralTo: string | null;
  withDetails: boolean | null;
  crimeReference: string | null;
  status: string | null;
}): { heading: string; details: string[] } {
  const moved = e.status ? [`Case moved to ${CASE_STATUS_TEXT[e.status as keyof typeof CASE_STATUS_TEXT]}`] : [];
  switch (e.kind) {
    case "CONTACT":
      return {
        heading: `Contact attempt: ${word(CONTACT_METHODS, e.contactMethod)}`,
        details: [e.contactMade ? "Spoke to them" : "Did not reach them", ...moved],
      };
    case "SUPPORT":
      return {
        heading: `Support offered: ${word(SUPPORT_KINDS, e.supportKind)}`,
        details: [e.supportAccepted ? "Accepted" : "Not accepted", ...moved],
      };
    case "REFERRAL":
      return {
        heading: `Referred to ${word(REFERRAL_SERVICES, e.referralTo)}`,
        details: [
          e.withDetails ? "With their details" : "Without their details",
          ...(e.crimeReference ? [`Crime reference ${e.crimeReference}`] : []),
          ...moved,
        ],
      };
    case "SAFEGUARDING_OVERRIDE":
      return { heading: "Safeguarding override: details shared without consent", details: [] };
    case "CONSENT_GIVEN":
      return { heading: "Consent to share their details recorded", details: [] };
    case "CONSENT_WITHDRAWN":
      return { heading: "Consent to share their details withdrawn", details: [] };
    case "STATUS":
      return { heading: moved[0] ?? "Status changed", details: [] };
    default:
      return { heading: "Note", details: moved };
  }
}

/** The case page's whole view model: what the service returned, in words, for one template. */
async function caseModel(services: Services, req: Request) {
  const reference = referenceOf(req);
  const { kase, report } = await services.cases.openWithReport(req.user!, reference);
  return {
    kase,
    model: {
      area: "partners",
      title: `Case ${kase.reference}`,
      user: req.user,
      reference: kase.reference,
      version: kase.version,
      status: statusTag(kase.status),
      riskBadge: riskTag(kase.risk.level),
      closed: kase.status === "CLOSED",
      isNew: kase.status === "NEW",
      deleted: kase.personalDataDeleted || report.personalDataDeletedAt !== null,
      received: formatDateTime(kase.receivedAt),
      anonymous: report.statistics.anonymous,
      needsHelpNow: report.statistics.needsHelpNow,
      summary: [
        { key: "Status", tag: statusTag(kase.status) },
        { key: "Risk", tag: riskTag(kase.risk.level) },
        {
          key: "Made",
          lines: [
            kase.via
              ? `Via ${kase.via.centre}${kase.via.enteredBy ? `, entered by ${kase.via.enteredBy}` : ""}`
              : "On the online form",
          ],
        },
        { key: "Assessment", lines: [kase.assessment ? ASSESSMENTS[kase.assessment] : "Not triaged yet"] },
        ...(kase.duplicateOf
          ? [{ key: "Duplicate of", link: { href: casePath(kase.duplicateOf), text: kase.duplicateOf } }]
          : []),
        { key: "Strands (as assessed)", lines: words(STRANDS, kase.strands) },
        { key: "Lead agency", lines: [kase.leadAgency?.name ?? "Not assigned"] },
        { key: "Caseworker", lines: [kase.caseworker?.name ?? "Not assigned"] },
        ...(kase.sharedWith.length ? [{ key: "Shared with", lines: kase.sharedWith.map((s) => s.name) }] : []),
        {
          key: "First contact",
          lines: [
            kase.firstContactAt
              ? `Made ${formatDate(kase.firstContactAt)}`
              : kase.firstContactDue
                ? `Due by ${formatDate(kase.firstContactDue)}${kase.firstContactOverdue ? " (overdue)" : ""}`
                : "Due once triaged",
          ],
        },
        { key: "Consent to share their details", lines: [kase.consentToShare ? "Given" : "Not given"] },
        ...(kase.closedAt
          ? [
              { key: "Closed", lines: [formatDate(kase.closedAt)] },
              { key: "Outcome", lines: [kase.outcome ? OUTCOMES[kase.outcome] : ""] },
              { key: "Closing summary", lines: paragraphs(kase.closingSummary) ?? ["(deleted)"] },
            ]
          : []),
      ],
      risk:
        kase.risk.level === null
          ? null
          : {
              score: kase.risk.score,
              scored: kase.risk.scoredLevel ? RISK_LEVEL_TEXT[kase.risk.scoredLevel] : "",
              changed: kase.risk.level !== kase.risk.scoredLevel,
              reason: kase.risk.reason,
              answers: RISK_QUESTIONS.filter((q) => kase.risk.answers[q.name]).map((q) => ({
                question: q.question,
                answer: { YES: "Yes", NO: "No", NOT_KNOWN: "Not known" }[kase.risk.answers[q.name]!] ?? "",
              })),
            },
      sections: answerSections(report),
      timeline: kase.entries.map((e) => ({
        ...entryText(e),
        at: formatDateTime(e.at),
        author: e.author ?? "A former partner",
        lines: paragraphs(e.body) ?? [],
      })),
      actions: kase.actions.map((a) => ({
        id: a.id,
        description: a.description ?? "(deleted)",
        owner: a.owner ?? "Nobody yet",
        due: formatDate(a.dueOn),
        done: a.doneAt ? formatDate(a.doneAt) : null,
        overdue: a.overdue,
      })),
      panelHistory: kase.panelHistory.map((p) => ({
        href: `/partners/panel/${p.meetingId}`,
        heldOn: formatDate(p.heldOn),
        decision: paragraphs(p.decision) ?? [],
      })),
      messages: report.messages.map((m) => ({
        from: m.fromReporter ? "The reporter" : (m.authorName ?? "A caseworker"),
        at: formatDateTime(m.createdAt),
        lines: paragraphs(m.body) ?? [],
      })),
    },
  };
}

/** The query string of a list filter, for links that keep it. */
function filterQuery(q: ListQuery, page?: number) {
  const params = new URLSearchParams();
  if (q.reference) params.set("reference", q.reference);
  if (q.status) params.set("status", q.status);
  if (q.risk) params.set("risk", q.risk);
  if (q.agency) params.set("agency", String(q.agency));
  if (q.caseworker) params.set("caseworker", String(q.caseworker));
  if (q.strand) params.set("strand", q.strand);
  if (q.area) params.set("area", q.area);
  if (q.overdue) params.set("overdue", q.overdue);
  if (q.sort !== "oldest") params.set("sort", q.sort);
  if (page && page > 1) params.set("page", String(page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function caseRoutes(services: Services): PartnerRoute[] {
  const { cases } = services;

  async function renderCase(
    req: Request,
    res: Response,
    form: { status?: number; values?: FormValues; errors?: FormErrors } = {},
  ) {
    const { model } = await caseModel(services, req);
    res.status(form.status ?? 200).render("pages/partners/cases/case", {
      ...model,
      values: { body: form.values?.body ?? "" },
      errors: form.errors,
    });
  }

  return [
    get("/cases", "cases", async (req, res) => {
      const q = listQuery.parse(req.query);
      const [list, agencies, caseworkers] = await Promise.all([
        cases.list(
          req.user!,
          {
            reference: q.reference,
            status: q.status,
            risk: q.risk,
            agencyId: q.agency,
            caseworkerId: q.caseworker,
            strand: q.strand,
            area: q.area || undefined,
            overdue: q.overdue === "yes",
            sort: q.sort,
          },
          q.page,
        ),
        services.agencies.offered(),
        cases.caseworkers(),
      ]);
      if (q.reference && list.total === 1) return res.redirect(casePath(list.cases[0]!.reference));
      const pages = Math.max(1, Math.ceil(list.total / CASES_PAGE_SIZE));
      const option = (value: string, text: string, selected: string | number | undefined) => ({
        value,
        text,
        selected: String(selected ?? "") === value,
      });
      res.render("pages/partners/cases/index", {
        area: "partners",
        title: q.status === "NEW" ? "New reports to triage" : "Cases",
        user: req.user,
        total: list.total,
        query: q,
        filters: {
          status: [
            option("", "Any status", q.status),
            option("OPEN", "Open (not closed)", q.status),
            ...CASE_STATUSES.map((s) => option(s, CASE_STATUS_TEXT[s], q.status)),
          ],
          risk: [
            option("", "Any risk", q.risk),
            ...(["HIGH", "MEDIUM", "STANDARD"] as const).map((r) => option(r, RISK_LEVEL_TEXT[r], q.risk)),
          ],
          agency: [option("", "Any agency", q.agency), ...agencies.map((a) => option(String(a.id), a.name, q.agency))],
          caseworker: [
            option("", "Anyone", q.caseworker),
            ...caseworkers.map((c) => option(String(c.id), c.name, q.caseworker)),
          ],
          strand: [
            option("", "Any strand", q.strand),
            ...Object.entries(STRANDS).map(([k, v]) => option(k, v, q.strand)),
          ],
        },
        pagination: paginationParams(q.page, pages, (n) => `/partners/cases${filterQuery(q, n)}`),
        cases: list.cases.map((c) => ({
          reference: c.reference,
          href: casePath(c.reference),
          status: statusTag(c.status),
          risk: riskTag(c.riskLevel),
          opened: formatDate(c.openedAt),
          daysOpen: daysOpen(c.openedAt, c.closedAt ?? new Date()),
          area: word(OTHER_AREAS, c.area),
          strands: words(STRANDS, c.strands).join(", "),
          agency: c.leadAgency ?? "Not assigned",
          caseworker: c.caseworker ?? "Not assigned",
          overdue: c.firstContactOverdue || c.overdueActions > 0,
          unreadReplies: c.unreadReplies,
        })),
      });
    }),

    get("/cases/:reference", "cases", (req, res) => renderCase(req, res)),

    post("/cases/:reference/messages", "cases", async (req, res) => {
      const reference = referenceOf(req);
      await cases.assertVisible(req.user!, reference);
      const form = parseForm(messageForm, req.body);
      if (!form.ok) return renderCase(req, res, { status: 400, values: form.values, errors: form.errors });
      await services.reports.sendMessage(req.user!, reference, form.data.body);
      req.session.flash = {
        heading: "Your message was sent. The reporter sees it when they next open their follow-up page",
      };
      res.redirect(`${casePath(reference)}#messages`);
    }),

    // Everything the partnership holds on one case, for a subject access request.
    get("/cases/:reference/print", "cases", async (req, res) => {
      const { model } = await caseModel(services, req);
      await services.audit.record({
        actor: req.user!,
        action: "case.printed",
        entityType: "Case",
        entityId: model.reference,
      });
      res.render("pages/partners/cases/case", {
        ...model,
        title: `Case ${model.reference}: everything held`,
        printing: true,
        printedAt: formatDateTime(new Date()),
        values: { body: "" },
      });
    }),

    // The links in emails and bookmarks from before cases: New reports is now the triage queue.
    get("/reports", "cases", (_req, res) => res.redirect("/partners/cases?status=NEW")),
    get("/reports/:reference", "cases", (req, res) => res.redirect(casePath(referenceOf(req)))),

    ...caseWorkRoutes(services),
  ];
}
