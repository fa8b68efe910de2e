// Who may see which case (src/services/cases/access.ts): case access is a permission a viewer can
// never hold; with it a coordinator sees every case and an officer their own agency's, and only a
// coordinator with it runs the Review Panel. The scope becomes a database filter in
// src/services/cases/context.ts (an agency's cases are those it leads or is shared on); that, and the
// 404 for anyone else's case, are in tests/integration/cases.test.ts and case-panel.test.ts.
import { describe, expect, it } from "vitest";
import {
  type CaseUser,
  canRunPanel,
  caseScope,
  hasCaseAccess,
  mayHoldCaseAccess,
} from "../../src/services/cases/access.ts";

const ROLES: CaseUser["role"][] = ["VIEWER", "OFFICER", "COORDINATOR"];
const user = (role: CaseUser["role"], caseAccess: boolean, agencyId: number | null = 4): CaseUser => ({
  role,
  agencyId,
  caseAccess,
});

describe("case access", () => {
  it("is had by officers and coordinators given it", () => {
    expect(hasCaseAccess(user("OFFICER", true))).toBe(true);
    expect(hasCaseAccess(user("COORDINATOR", true))).toBe(true);
    expect(hasCaseAccess(user("COORDINATOR", true, null))).toBe(true);
  });

  it.each(ROLES)("is not had by a %s not given it", (role) => {
    expect(hasCaseAccess(user(role, false))).toBe(false);
  });

  it("is never had by a viewer, even one whose account says it was given", () => {
    expect(hasCaseAccess(user("VIEWER", true))).toBe(false);
  });

  it("may be given to officers and coordinators, never to viewers", () => {
    expect(mayHoldCaseAccess({ role: "OFFICER" })).toBe(true);
    expect(mayHoldCaseAccess({ role: "COORDINATOR" })).toBe(true);
    expect(mayHoldCaseAccess({ role: "VIEWER" })).toBe(false);
  });
});

describe("the cases a partner sees", () => {
  it("are every case for a coordinator with case access, with an agency or without", () => {
    expect(caseScope(user("COORDINATOR", true, 4))).toEqual({ all: true });
    expect(caseScope(user("COORDINATOR", true, null))).toEqual({ all: true });
  });

  it("are their own agency's for an officer with case access (those it leads or is shared on)", () => {
    expect(caseScope(user("OFFICER", true, 4))).toEqual({ agencyId: 4 });
    expect(caseScope(user("OFFICER", true, 9))).toEqual({ agencyId: 9 });
  });

  it("are none for an officer with case access but no agency", () => {
    expect(caseScope(user("OFFICER", true, null))).toEqual({ none: true });
  });

  it.each(ROLES)("are none for a %s without case access, coordinators included", (role) => {
    expect(caseScope(user(role, false, 4))).toEqual({ none: true });
    expect(caseScope(user(role, false, null))).toEqual({ none: true });
  });

  it("are none for a viewer, whatever their account says", () => {
    expect(caseScope(user("VIEWER", true, 4))).toEqual({ none: true });
    expect(caseScope(user("VIEWER", true, null))).toEqual({ none: true });
  });
});

describe("the Review Panel", () => {
  it("is run by coordinators with case access", () => {
    expect(canRunPanel(user("COORDINATOR", true))).toBe(true);
    expect(canRunPanel(user("COORDINATOR", true, null))).toBe(true);
  });

  it("is not run by officers, even with case access: it brings every agency's cases together", () => {
    expect(canRunPanel(user("OFFICER", true))).toBe(false);
  });

  it.each(ROLES)("is not run by a %s without case access", (role) => {
    expect(canRunPanel(user(role, false))).toBe(false);
  });

  it("is not run by a viewer, whatever their account says", () => {
    expect(canRunPanel(user("VIEWER", true))).toBe(false);
  });
});
