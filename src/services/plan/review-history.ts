// Every saved version of every update in a plan (ReviewVersion), for the "every review" CSV: the
// plan's latest reviews say where things stand, this says how they got there. It follows the
// plan document (planDocuments.document), so it shows the same items, numbered the same way,
// under the same filter.
import { STATUS_TAGS } from "../../content/status.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import {
  type EvidenceLink,
  type PlanDocument,
  type PlanDocumentOptions,
  byline,
  type planDocumentService,
} from "./document.ts";

export interface ReviewHistoryRow {
  type: "Commitment" | "Risk";
  /** The objective's heading; "" for a risk. */
  objective: string;
  /** "1.2" for a commitment, "3" for a risk. */
  number: string;
  text: string;
  /** "Q1" */
  quarter: string;
  agencyCode: string;
  version: number;
  /** "Amber"; "" for an agency's first update of the quarter. */
  statusBefore: string;
  statusAfter: string;
  commentary: string;
  evidence: EvidenceLink[];
  /** The version this one replaced on the conflict page ("Replace it with mine"), if any. */
  replacedVersion: number | null;
  /** "Sam Jones (NSC)"; null once the account is gone. */
  savedBy: string | null;
  savedAt: Date;
}

export function reviewHistoryService(
  prisma: PrismaClient,
  planDocuments: Pick<ReturnType<typeof planDocumentService>, "document">,
) {
  return {
    /** The plan (as its document, filtered as asked) and every saved version of its items' updates, in the plan's order. */
    async history(
      startYear: number,
      options: Pick<PlanDocumentOptions, "filter"> = {},
    ): Promise<{ doc: PlanDocument; rows: ReviewHistoryRow[] } | undefined> {
      const doc = await planDocuments.document(startYear, { filter: options.filter });
      if (!doc) return undefined;
      type Item = Pick<ReviewHistoryRow, "type" | "objective" | "number" | "text"> & { order: number };
      const commitments = new Map<number, Item>();
      const risks = new Map<number, Item>();
      for (const o of doc.objectives)
        for (const c of o.commitments)
          commitments.set(c.id, {
            type: "Commitment",
            objective: o.heading,
            number: c.number,
            text: c.text,
            order: commitments.size,
          });
      for (const r of doc.risks)
        risks.set(r.id, {
          type: "Risk",
          objective: "",
          number: String(r.number),
          text: r.description,
          order: commitments.size + risks.size,
        });

      const versions = await prisma.reviewVersion.findMany({
        where: {
          review: { OR: [{ commitmentId: { in: [...commitments.keys()] } }, { riskId: { in: [...risks.keys()] } }] },
        },
        select: {
          version: true,
          previousStatus: true,
          status: true,
          commentary: true,
          evidence: true,
          replacedVersion: true,
          createdAt: true,
          author: { select: { name: true } },
          authorAgency: { select: { code: true } },
          review: {
            select: {
              commitmentId: true,
              riskId: true,
              quarter: true,
              agency: { select: { code: true, position: true, name: true } },
            },
          },
        },
      });
      const rows = versions.map((v) => {
        const item = (v.review.commitmentId !== null ? commitments : risks).get(
          (v.review.commitmentId ?? v.review.riskId)!,
        )!;
        return { v, item };
      });
      // The plan's order, then quarter, agency (the partnership's order) and version.
      rows.sort(
        (a, b) =>
          a.item.order - b.item.order ||
          a.v.review.quarter - b.v.review.quarter ||
          a.v.review.agency.position - b.v.review.agency.position ||
          a.v.review.agency.name.localeCompare(b.v.review.agency.name) ||
          a.v.version - b.v.version,
      );
      return {
        doc,
        rows: rows.map(({ v, item }) => ({
          type: item.type,
          objective: item.objective,
          number: item.number,
          text: item.text,
          quarter: `Q${v.review.quarter}`,
          agencyCode: v.review.agency.code,
          version: v.version,
          statusBefore: v.previousStatus ? STATUS_TAGS[v.previousStatus].text : "",
          statusAfter: STATUS_TAGS[v.status].text,
          commentary: v.commentary,
          evidence: v.evidence as unknown as EvidenceLink[],
          replacedVersion: v.replacedVersion,
          savedBy: byline(v.author?.name ?? null, v.authorAgency?.code ?? null),
          savedAt: v.createdAt,
        })),
      };
    },
  };
}
