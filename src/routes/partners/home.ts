// The partner home: a greeting and what the signed-in role can do.
import type { Services } from "../../services/index.ts";
import { get, type PartnerRoute } from "./route-table.ts";

const CAN_DO = {
  COORDINATOR: [
    "Run the plan: years, objectives, commitments, risks and achievements",
    "Record quarterly reviews for any commitment or risk",
    "Manage agencies, accounts and the public directory",
    "See the audit trail",
  ],
  OFFICER: [
    "Record the quarterly review of the commitments and risks your agency leads",
    "Read the whole plan and its progress",
  ],
  VIEWER: ["Read the plan, its quarterly reviews and progress"],
} as const;

export function homeRoutes(_services: Services): PartnerRoute[] {
  return [
    get("/", "signed-in", (req, res) => {
      const user = req.user!;
      const flash = req.session.flash;
      delete req.session.flash;
      res.render("pages/partners/home", {
        area: "partners",
        title: "Partner area",
        user,
        canDo: CAN_DO[user.role],
        flash,
      });
    }),
  ];
}
