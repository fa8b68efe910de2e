// Rolling a plan over to the next year, and the rules that decide what goes with it.
import type { RagStatus } from "../../../generated/prisma/client.ts";
import type { Actor } from "../../audit.ts";
import { ServiceError, notFound } from "../../errors.ts";
import { lowestStatus } from "../review-rules.ts";
import { QUARTERS, defaultDeadline, yearLabel } from "../year.ts";
import { type AdminContext, LIMITS, YEAR_RANGE, byPosition, isUniqueViolation, newPlanTitle } from "./shared.ts";

/** Text cut to at most `max` characters, at a word break where there is one, ending "…". */
/** What a measure of the plan keeps into next year's: its name, source, target and direction. */
const measureCopy = { name: true, source: true, target: true, direction: true } as const;

export function shorten(text: string, max: number): string {
  const clean = text.trim().replace(/\s+/g, " ");
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** One quarter's recorded review of a commitment. */
export interface RecordedReview {
  quarter: number;
  status: RagStatus;
  commentary: string;
}

/**
 * One review per quarter from each agency's updates of a commitment: the coordinator's summary
 * status when set, else the lowest of the agencies' statuses, with their commentary together.
 */
export function quarterReviews(
  updates: RecordedReview[],
  summaries: { quarter: number; status: RagStatus | null }[] = [],
): RecordedReview[] {
  return [...new Set(updates.map((u) => u.quarter))].map((quarter) => {
    const those = updates.filter((u) => u.quarter === quarter);
    const summary = summaries.find((x) => x.quarter === quarter)?.status;
    return {
      quarter,
      status: summary ?? lowestStatus(those.map((u) => u.status))!,
      commentary: those
        .map((u) => u.commentary.trim())
        .filter(Boolean)
        .join(" "),
    };
  });
}

/** The review of the latest quarter that has one. */
export function latestReview(reviews: RecordedReview[]): RecordedReview | undefined {
  return reviews.reduce<RecordedReview | undefined>((l, r) => (!l || r.quarter > l.quarter ? r : l), undefined);
}

/** Roll-over: a commitment goes on to next year unless it was Complete at its latest review. */
export function carriedForward(reviews: RecordedReview[]): boolean {
  return latestReview(reviews)?.status !== "COMPLETE";
}

/**
 * Roll-over: a commitment becomes a draft achievement when it was Complete or Green at Q4 (or was
 * completed earlier in the year and not reviewed again, so was still Complete at Q4).
 */
export function draftsAchievement(reviews: RecordedReview[]): boolean {
  const q4 = reviews.find((r) => r.quarter === 4);
  if (q4) return q4.status === "COMPLETE" || q4.status === "GREEN";
  return latestReview(reviews)?.status === "COMPLETE";
}

/** The commentary of the latest quarter that has any. */
export function latestCommentary(reviews: RecordedReview[]): string {
  return latestReview(reviews.filter((r) => r.commentary.trim() !== ""))?.commentary.trim() ?? "";
}

export function rolloverAdmin({ prisma, audit }: AdminContext) {
  return {
    /**
     * Drafts next year's plan from this one: vision, strapline, introduction, purposes, objectives
     * and risks are copied (retired ones are not, reviews never are); commitments go with their
     * objective unless they were Complete at their latest review (carriedFromId keeps the link);
     * commitments Complete or Green at Q4 become draft achievements for the coordinator to edit.
     */
    async rollover(actor: Actor, startYear: number) {
      const next = startYear + 1;
      const source = await prisma.plan.findUnique({
        where: { startYear },
        include: {
          purposes: { orderBy: byPosition },
          risks: { where: { retiredAt: null }, orderBy: byPosition, include: { measures: { select: measureCopy } } },
          objectives: {
            where: { retiredAt: null },
            orderBy: [{ number: "asc" }, { id: "asc" }],
            include: {
              commitments: {
                where: { retiredAt: null },
                orderBy: byPosition,
                include: {
                  leads: { select: { agencyId: true } },
                  contacts: { select: { agencyId: true, name: true } },
                  reviews: { select: { quarter: true, status: true, commentary: true } },
                  summaries: { select: { quarter: true, status: true } },
                  measures: { select: measureCopy },
                },
              },
            },
          },
        },
      });
      if (!source) throw notFound("plan");
      if (next > YEAR_RANGE.last)
        throw new ServiceError(400, `Plans can be made up to ${yearLabel(YEAR_RANGE.last)} only.`);
      const exists = () =>
        new ServiceError(409, `There is already a plan for ${yearLabel(next)}, so this plan cannot be rolled over.`);
      if (await prisma.plan.findUnique({ where: { startYear: next } })) throw exists();

      const commitments = source.objectives
        .flatMap((o) => o.commitments)
        .map((c) => ({ ...c, reviews: quarterReviews(c.reviews, c.summaries) }));
      const carried = new Set(commitments.filter((c) => carriedForward(c.reviews)).map((c) => c.id));
      const achievements = commitments
        .filter((c) => draftsAchievement(c.reviews))
        .map((c) => {
          const complete = latestReview(c.reviews)?.status === "COMPLETE";
          const commentary = latestCommentary(c.reviews);
          return {
            title: shorten(c.text, LIMITS.title),
            description: shorten(
              commentary ||
                (complete
                  ? `Delivered in ${yearLabel(startYear)}.`
                  : `On track at the end of ${yearLabel(startYear)}.`),
              LIMITS.text,
            ),
          };
        });

      try {
        return await prisma.$transaction(async (tx) => {
          const plan = await tx.plan.create({
            data: {
              startYear: next,
              title: newPlanTitle(next),
              strapline: source.strapline,
              vision: source.vision,
              introduction: source.introduction,
              status: "DRAFT",
              purposes: { create: source.purposes.map((p, position) => ({ position, text: p.text })) },
              achievements: { create: achievements.map((a, position) => ({ position, ...a })) },
              quarters: { create: QUARTERS.map((quarter) => ({ quarter, deadline: defaultDeadline(next, quarter) })) },
              risks: {
                create: source.risks.map((r, position) => ({
                  position,
                  description: r.description,
                  mitigation: r.mitigation,
                  rating: r.rating,
                  ownerAgencyId: r.ownerAgencyId,
                  // Measures come along without their values (the review page finds last year's by name).
                  measures: { create: r.measures },
                })),
              },
            },
          });
          for (const [i, o] of source.objectives.entries()) {
            await tx.objective.create({
              data: {
                planId: plan.id,
                number: i + 1,
                title: o.title,
                commitments: {
                  create: o.commitments
                    .filter((c) => carried.has(c.id))
                    .map((c, position) => ({
                      position,
                      text: c.text,
                      allAgencies: c.allAgencies,
                      carriedFromId: c.id,
                      leads: c.allAgencies ? undefined : { create: c.leads.map((l) => ({ agencyId: l.agencyId })) },
                      // The named contacts come along; a target date is for its year, so it does not.
                      contacts: { create: c.contacts.map((x) => ({ agencyId: x.agencyId, name: x.name })) },
                      measures: { create: c.measures },
                    })),
                },
              },
            });
          }
          const summary = {
            startYear: next,
            purposes: source.purposes.length,
            objectives: source.objectives.length,
            risks: source.risks.length,
            commitmentsCarried: [...carried],
            commitmentsDropped: commitments.filter((c) => !carried.has(c.id)).map((c) => c.id),
            achievementsDrafted: achievements.length,
          };
          await audit.record(
            {
              actor,
              action: "plan.rolled-over",
              entityType: "Plan",
              entityId: plan.id,
              before: { planId: source.id, startYear: source.startYear },
              after: summary,
            },
            tx,
          );
          return { plan, ...summary };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw exists();
        throw err;
      }
    },
  };
}
