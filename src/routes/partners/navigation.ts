// The partner area's navigation, for the signed-in user's role and case access, with the current
// page marked.
import type { RequestHandler } from "express";
import { hasCaseAccess } from "../../services/cases/access.ts";

type Needs = "cases" | "reporting-centre";

const LINKS: readonly { href: string; text: string; roles: readonly string[]; needs?: Needs }[] = [
  { href: "/partners", text: "Dashboard", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
  { href: "/partners/updates", text: "Your updates", roles: ["COORDINATOR", "OFFICER"] },
  { href: "/partners/plans", text: "Plans", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
  { href: "/partners/figures", text: "Figures", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
  { href: "/partners/cases", text: "Cases", roles: ["COORDINATOR", "OFFICER"], needs: "cases" },
  { href: "/partners/panel", text: "Review Panel", roles: ["COORDINATOR"], needs: "cases" },
  {
    href: "/partners/report",
    text: "Enter a report",
    roles: ["COORDINATOR", "OFFICER", "VIEWER"],
    needs: "reporting-centre",
  },
  { href: "/partners/agencies", text: "Agencies", roles: ["COORDINATOR"] },
  { href: "/partners/directory", text: "Directory", roles: ["COORDINATOR"] },
  { href: "/partners/accounts", text: "Accounts", roles: ["COORDINATOR"] },
  { href: "/partners/emails", text: "Emails", roles: ["COORDINATOR"] },
  { href: "/partners/audit", text: "Audit trail", roles: ["COORDINATOR"] },
  { href: "/partners/account", text: "Your account", roles: ["COORDINATOR", "OFFICER", "VIEWER"] },
];

const MAY: Record<Needs, (user: Express.User) => boolean> = {
  cases: hasCaseAccess,
  "reporting-centre": (user) => user.reportingCentreId !== null,
};

export const partnerNavigation: RequestHandler = (req, res, next) => {
  const user = req.user;
  if (user) {
    const path = req.originalUrl.split("?")[0]!;
    const shown = LINKS.filter((l) => l.roles.includes(user.role) && (!l.needs || MAY[l.needs](user)));
    res.locals.partnerNavigation = shown.map((l) => ({
      href: l.href,
      text: l.text,
      // "/partners/account" must not also mark "/partners/accounts": a whole segment matches.
      active: l.href === "/partners" ? path === "/partners" : path === l.href || path.startsWith(`${l.href}/`),
    }));
  }
  next();
};
