// Who may see which case. Case access is a permission a coordinator gives an account (never a
// viewer's); with it an officer sees the cases their agency leads or is shared on, and a
// coordinator sees every case. Without it an account sees no case, no report and no count.

/** The parts of a signed-in partner these rules read. */
export interface CaseUser {
  role: "VIEWER" | "OFFICER" | "COORDINATOR";
  agencyId: number | null;
  caseAccess: boolean;
}

export const hasCaseAccess = (user: CaseUser): boolean => user.caseAccess && user.role !== "VIEWER";

/** Every case, or the cases of one agency, or none. */
export type CaseScope = { all: true } | { agencyId: number } | { none: true };

export function caseScope(user: CaseUser): CaseScope {
  if (!hasCaseAccess(user)) return { none: true };
  if (user.role === "COORDINATOR") return { all: true };
  return user.agencyId === null ? { none: true } : { agencyId: user.agencyId };
}

/** Only coordinators with case access run the Review Panel: it brings every agency's cases together. */
export const canRunPanel = (user: CaseUser): boolean => hasCaseAccess(user) && user.role === "COORDINATOR";

/** Case access may be given to officers and coordinators of an agency, or to coordinators; never to viewers. */
export const mayHoldCaseAccess = (account: { role: CaseUser["role"] }): boolean => account.role !== "VIEWER";
