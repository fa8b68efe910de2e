// How a case is named in addresses and shown in tags, shared by the case pages and the panel.
import type { Request } from "express";
import { RISK_LEVEL_TEXT } from "../../../services/cases/risk.ts";
import { CASE_STATUS_TEXT } from "../../../services/cases/rules.ts";
import { notFound } from "../../../services/errors.ts";
import { normaliseReference } from "../../../services/reports/follow-up.ts";

export const referenceOf = (req: Request) => {
  const reference = normaliseReference(String(req.params.reference ?? ""));
  if (!reference) throw notFound("case");
  return reference;
};

export const casePath = (reference: string) => `/partners/cases/${reference}`;

const RISK_TAG = { HIGH: "govuk-tag--red", MEDIUM: "govuk-tag--orange", STANDARD: "govuk-tag--grey" } as const;
const STATUS_TAG: Record<string, string> = { NEW: "govuk-tag--blue", CLOSED: "govuk-tag--grey" };

export const riskTag = (level: keyof typeof RISK_TAG | null) =>
  level
    ? { text: RISK_LEVEL_TEXT[level], classes: RISK_TAG[level] }
    : { text: "Not assessed", classes: "govuk-tag--grey" };
export const statusTag = (status: keyof typeof CASE_STATUS_TEXT) => ({
  text: CASE_STATUS_TEXT[status],
  classes: STATUS_TAG[status] ?? "govuk-tag--light-blue",
});
