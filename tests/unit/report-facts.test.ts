// The public pages quote the online report's rules from src/content/statements.ts (onlineReports):
// each fact there is the rule the code keeps, so a change to one shows here.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { onlineReports } from "../../src/content/statements.ts";
import { ONLINE_REPORT_PATH, REPORT_COOKIE } from "../../src/routes/report/online.ts";
import { DRAFT_IDLE_MS } from "../../src/services/reports/drafts.ts";
import { FOLLOW_UP_ATTEMPTS, FOLLOW_UP_LOCK_MS } from "../../src/services/reports/follow-up.ts";

describe("what the public pages say of the online report", () => {
  it("is what the code does", () => {
    expect(onlineReports.formPath).toBe(ONLINE_REPORT_PATH);
    expect(onlineReports.cookie).toEqual({ name: REPORT_COOKIE, path: ONLINE_REPORT_PATH });
    expect(onlineReports.draftIdleHours * 3_600_000).toBe(DRAFT_IDLE_MS);
    expect(onlineReports.wrongCodesBeforeLock).toBe(FOLLOW_UP_ATTEMPTS);
    expect(onlineReports.lockHours * 3_600_000).toBe(FOLLOW_UP_LOCK_MS);
    expect(onlineReports.retentionYears * 12).toBe(loadConfig({ NODE_ENV: "test" }).reports.retentionMonths);
  });
});
