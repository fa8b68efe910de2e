// Geometry for the dashboard's bar charts (accessible SVG, the same numbers as a table beside it).
import { STATUS_TAGS } from "../../../content/status.ts";
import type { ShownStatus } from "../../../services/plan/review-rules.ts";

export const BAR_HEIGHT = 28;
const LABEL_WIDTH = 110;
const BAR_SPACE = 240;

export function barChart(counts: { status: ShownStatus; count: number }[]) {
  const max = Math.max(1, ...counts.map((c) => c.count));
  return {
    width: LABEL_WIDTH + BAR_SPACE + 40,
    height: counts.length * BAR_HEIGHT,
    labelWidth: LABEL_WIDTH,
    bars: counts.map((c, i) => ({
      label: STATUS_TAGS[c.status].text,
      status: c.status.toLowerCase().replaceAll("_", "-"),
      count: c.count,
      y: i * BAR_HEIGHT,
      width: Math.round((c.count / max) * BAR_SPACE),
    })),
  };
}
