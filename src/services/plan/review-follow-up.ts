// A coordinator's follow-up of an agency's quarterly update: asking for more ("please add the
// number of schools visited"), which the lead agency's officers are emailed and their next save
// answers, and signing the update off. A sign-off holds for the version the coordinator read: a
// later save needs signing off again. Built by reviewService, which shares how it finds an item.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { AuditService } from "../audit.ts";
import type { EmailService } from "../email/emails.ts";
import { FieldError, forbidden } from "../errors.ts";
import type { Quarter } from "./year.ts";
import { quarterMonths, type LeadAgency } from "./plans.ts";
import { quarterStarted } from "./review-rules.ts";
import { ReviewConflict, type ReviewSubjectKind } from "./reviews.ts";

export const REQUEST_MAX = 500;

/** What reviewService shares: the item and its leads, and its quarter's state. */
export interface FollowUpDeps {
  prisma: PrismaClient;
  audit: AuditService;
  emails: EmailService;
  publicBaseUrl: string | undefined;
  now: () => Date;
  subject(
    kind: ReviewSubjectKind,
    id: number,
  ): Promise<{ text: string; planId: number; startYear: number; leads: LeadAgency[]; retired: boolean }>;
  quarterState(planId: number, quarter: number): Promise<{ closed: boolean }>;
  updateKey(kind: ReviewSubjectKind, id: number, quarter: number, agencyId: number): object;
}

const itemPath = (kind: ReviewSubjectKind, id: number, quarter: Quarter) =>
  `/partners/${kind === "commitment" ? "commitments" : "risks"}/${id}/reviews/${quarter}`;

export function reviewFollowUp(deps: FollowUpDeps) {
  const { prisma, audit, emails, now } = deps;

  /** The agency's update a coordinator follows up, once the rules allow it. */
  async function followedUpdate(
    user: Express.User,
    kind: ReviewSubjectKind,
    id: number,
    quarter: Quarter,
    agencyCode: string,
  ) {
    if (user.role !== "COORDINATOR") throw forbidden("Only coordinators can follow up an update.");
    const s = await deps.subject(kind, id);
    if (s.retired) throw forbidden("This has been retired, so its reviews can no longer change.");
    if (!quarterStarted(s.startYear, quarter, now())) throw forbidden(`Quarter ${quarter} has not started yet.`);
    const agency = s.leads.find((a) => a.code === agencyCode);
    if (!agency) throw forbidden("Only a lead agency's update can be followed up.");
    const review = await prisma.review.findUnique({
      where: deps.updateKey(kind, id, quarter, agency.id) as never,
      include: { author: { select: { name: true } }, requests: { where: { answeredAt: null } } },
    });
    if (!review) throw forbidden(`${agency.name} has not updated this yet: there is nothing to follow up.`);
    return { s, agency, review };
  }

  const entity = (kind: ReviewSubjectKind, id: number, quarter: Quarter, code: string) => ({
    entityType: kind === "commitment" ? "CommitmentReview" : "RiskReview",
    entityId: `${id}/Q${quarter}/${code}`,
  });

  return {
    /**
     * Asks the agency for more on its update, and emails its officers. Returns how many were
     * emailed (none when the agency has no active officer: the page then says to tell them).
     */
    async askForMore(
      user: Express.User,
      kind: ReviewSubjectKind,
      id: number,
      quarter: Quarter,
      input: { agencyCode: string; text: string },
    ): Promise<{ emailed: number }> {
      const { s, agency, review } = await followedUpdate(user, kind, id, quarter, input.agencyCode);
      const { closed } = await deps.quarterState(s.planId, quarter);
      if (closed) throw forbidden("This quarter is closed, so its updates cannot be answered: reopen it first.");
      const text = input.text.trim();
      if (text === "") throw new FieldError("request", "Enter what you need to know");
      if (text.length > REQUEST_MAX) throw new FieldError("request", "The request must be 500 characters or fewer");
      const officers = await prisma.user.findMany({
        where: { agencyId: agency.id, role: "OFFICER", active: true },
        select: { id: true, name: true, email: true },
        orderBy: { id: "asc" },
      });
      const url = `${deps.publicBaseUrl ?? ""}${itemPath(kind, id, quarter)}`;
      const ids = await prisma.$transaction(async (tx) => {
        await tx.reviewRequest.create({
          data: { reviewId: review.id, text, requestedById: user.id, requestedAt: now() },
        });
        await audit.record(
          {
            actor: user,
            action: "review.more-requested",
            ...entity(kind, id, quarter, agency.code),
            after: { request: text, version: review.version },
          },
          tx,
        );
        // Emails need the portal's address to link to; without it the page says nobody was emailed.
        if (!deps.publicBaseUrl) return [];
        return Promise.all(
          officers.map((o) =>
            emails.record(
              {
                to: o.email,
                userId: o.id,
                template: "more-needed",
                params: {
                  name: o.name,
                  agencyName: agency.name,
                  item: s.text,
                  quarterLabel: `quarter ${quarter} (${quarterMonths(s.startYear, quarter)})`,
                  request: text,
                  requestedBy: user.name,
                  url,
                },
              },
              tx,
            ),
          ),
        );
      });
      await emails.dispatch(ids);
      return { emailed: ids.length };
    },

    /** Signs off the agency's update as it stood at `version`; refused if it has moved on or more is awaited. */
    async signOff(
      user: Express.User,
      kind: ReviewSubjectKind,
      id: number,
      quarter: Quarter,
      input: { agencyCode: string; version: number },
    ): Promise<void> {
      const { agency, review } = await followedUpdate(user, kind, id, quarter, input.agencyCode);
      const moved = () =>
        new ReviewConflict({
          status: review.status,
          commentary: review.commentary,
          evidence: [],
          version: review.version,
          authorId: review.authorId,
          authorName: review.author?.name ?? null,
          updatedAt: review.updatedAt,
        });
      if (review.version !== input.version) throw moved();
      if (review.requests.length > 0)
        throw new FieldError(
          "signOff",
          `You asked ${agency.name} for more: sign it off once they have answered (or record the answer yourself)`,
        );
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.review.updateMany({
          where: { id: review.id, version: input.version },
          data: { signedOffVersion: input.version, signedOffById: user.id, signedOffAt: now() },
        });
        if (count !== 1) throw moved();
        await audit.record(
          {
            actor: user,
            action: "review.signed-off",
            ...entity(kind, id, quarter, agency.code),
            after: { version: input.version },
          },
          tx,
        );
      });
    },

    /** A plan's updates for a quarter that no coordinator has signed off as they stand, in plan order. */
    async unsigned(startYear: number, quarter: Quarter) {
      const plan = { startYear };
      const rows = await prisma.review.findMany({
        where: {
          quarter,
          OR: [
            { commitment: { retiredAt: null, objective: { plan, retiredAt: null } } },
            { risk: { plan, retiredAt: null } },
          ],
        },
        select: {
          version: true,
          signedOffVersion: true,
          agency: { select: { name: true } },
          commitment: { select: { text: true, position: true, objective: { select: { number: true } } } },
          risk: { select: { description: true, position: true } },
        },
      });
      const order = (r: (typeof rows)[number]) =>
        r.commitment ? r.commitment.objective.number * 10_000 + r.commitment.position : 1e9 + r.risk!.position;
      return rows
        .filter((r) => r.signedOffVersion !== r.version)
        .sort((a, b) => order(a) - order(b))
        .map((r) => ({ agency: r.agency.name, text: r.commitment?.text ?? r.risk!.description }));
    },
  };
}
