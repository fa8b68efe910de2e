// The content of the 2023/24 draft Hate Crime Plan (../shared/seed), plus an example public
// directory for coordinators to replace with the real one.
import type { RagStatus } from "../generated/prisma/client.ts";

export const agencies = [
  { code: "NSC", name: "North Somerset Council", website: "https://www.n-somerset.gov.uk" },
  { code: "Police", name: "Avon and Somerset Police", website: "https://www.avonandsomerset.police.uk" },
  { code: "SARI", name: "Stand Against Racism and Inequality", website: "https://www.saricharity.org.uk" },
];

/** "ALL" in the plan's lead agency column: every agency leads the commitment. */
export const ALL_AGENCIES = "ALL";

export const plan2023 = {
  startYear: 2023,
  title: "Hate Crime Plan 2023/24",
  strapline: "Challenge it, report it, stop it",
  vision:
    "A North Somerset that embraces difference, where everyone can live, work, study and visit in safety, with respect and free from the harmful effects of prejudice",
  introduction:
    "The Responding to Hate Incidents in North Somerset (RHINS) multi-agency partnership group was established in 2002 and leads the implementation of the North Somerset Hate Crime strategy.",
  purposes: [
    "promote collaborative working between local agencies, support organisations and members of the community involved with hate incidents in North Somerset.",
    "achieve consistency of approach and effective resolution of hate incidents across partner agencies.",
    "identify any hate crime issues using available partnership data and to collaborate and use the resources of all partners to tackle identified issues",
    "raise awareness of and improve confidence in the reporting procedure as well as unblock any blockages in reporting",
    "give support and guidance on the development of partner policies and procedures that relate to hate incidents or the promotion of equality, diversity and community cohesion.",
  ],
  achievements: [
    {
      title: "Hate Crime Awareness Week 2021",
      description:
        "The RHINS partnership organised another successful Hate Crime Awareness Week which saw various awareness raising activities across North Somerset. These activities not only raised awareness of hate crime and how it report, they also celebrated diversity in North Somerset.",
    },
    {
      title: "Expansion of RHINS Partnership",
      description:
        "The RHINS partnership group has continued to expand with local agencies, voluntary sector and community groups. This has enabled good joined up working across these organisation to coordinate our response to Hate Crime and share good practice to ensure offenders are brought to justice and victims are supported.",
    },
    {
      title: "SARI has been recommissioned",
      description:
        "Stand Against Racism and Inequality (SARI) have been recommissioned by the Big Lottery Funding, bringing specialist hate crime support services for North Somerset.",
    },
    {
      title: "Upskilling Police in responding to hate",
      description:
        "Local Neighbourhood Policing Teams and Response Police have received training on hate crime and ensuring all victims are offered support.",
    },
  ],
  // The plan names no owner for its risks; each is given to the agency best placed to lead it.
  risks: [
    {
      description:
        "Lack of awareness of how to report hate crime and what happens after someone has reported a hate crime",
      rating: "AMBER" as RagStatus,
      mitigation: "Develop communications strategy to promote hate crime reporting",
      owner: "NSC",
    },
    {
      description: "Lack of uptake of support services",
      rating: "AMBER" as RagStatus,
      mitigation: "Implement new case Review Panel to review hate crime cases",
      owner: "SARI",
    },
    {
      description: "Under reporting in areas outside of Weston-super-Mare, especially in rural communities",
      rating: "AMBER" as RagStatus,
      mitigation: "Review community engagement opportunities across North Somerset",
      owner: "Police",
    },
    {
      description: "Increases to cost of living is likely to cause increases in crime types and community tensions",
      rating: "AMBER" as RagStatus,
      mitigation: "Visibility and engagement with communities to build strong relationships.",
      owner: "Police",
    },
    {
      description:
        "Tightening of public and voluntary sector services budgets post COVID to place significant pressure on maintaining service provision",
      rating: "AMBER" as RagStatus,
      mitigation: "Make the best use of existing resources, working together to reduce demand on our services",
      owner: ALL_AGENCIES,
    },
  ],
  objectives: [
    {
      title: "To ensure an effective response to hate crime and hate incidents in North Somerset Communities.",
      commitments: [
        {
          text: "To set-up and establish a Hate Crime Review Panel process to ensure hate crimes are investigated and support has been offered",
          leads: ["NSC"],
        },
        { text: "Develop use of Restorative Justice for dealing with Hate Crimes", leads: ["Police", "SARI"] },
        { text: "Implement a new dedicated Community Tension monitoring process", leads: ["NSC"] },
      ],
    },
    {
      title:
        "To ensure communities know what hate crime is, how to report it, the support available and to challenge hate crime against others.",
      commitments: [
        {
          text: "Develop a communications strategy on raising awareness of hate crime and how to access support",
          leads: [ALL_AGENCIES],
        },
        {
          text: "Explore making use of community spaces to provide more reporting centres across North Somerset",
          leads: [ALL_AGENCIES],
        },
      ],
    },
    {
      title: "To promote and celebrate the diversity and contributions by all communities in North Somerset.",
      commitments: [
        {
          text: "Develop lessons plans and resources that schools can use or PCSOs/ SLOs trained to provide inputs to schools",
          leads: ["Police"],
        },
        {
          text: "Explore opportunities we have to raise awareness of inclusion in our schools, and in other areas such as libraries, children's centres, community learning opportunities etc",
          leads: ["NSC"],
        },
        { text: "Develop a communications campaign to celebrate North Somerset's diversity", leads: [ALL_AGENCIES] },
      ],
    },
  ],
};

// Example entries only (isExample): coordinators replace them with the partnership's real list.
export const reportingCentres = [
  {
    name: "Weston-super-Mare Library",
    address: "Town Hall, Walliscote Grove Road",
    town: "Weston-super-Mare",
    postcode: "BS23 1UJ",
    phone: "01934 426 010",
    openingTimes: "Monday to Friday 9am to 6pm, Saturday 9am to 4pm",
    accessibilityNotes: "Step-free entrance, lift to all floors, hearing loop at the front desk",
    services: ["Help to fill in a report", "Private room", "Interpreter on request", "Information leaflets"],
  },
  {
    name: "Weston-super-Mare Town Council Community Hub",
    address: "Grove House, Grove Park",
    town: "Weston-super-Mare",
    postcode: "BS23 2QJ",
    phone: "01934 632 567",
    openingTimes: "Monday to Friday 10am to 4pm",
    accessibilityNotes: "Ramp at the side entrance, accessible toilet",
    services: ["Help to fill in a report", "Information leaflets"],
  },
  {
    name: "Clevedon Library",
    address: "37 Old Church Road",
    town: "Clevedon",
    postcode: "BS21 6NN",
    phone: "01275 873 498",
    openingTimes: "Monday, Wednesday and Friday 9:30am to 5pm, Saturday 9:30am to 1pm",
    accessibilityNotes: "Step-free access, large print leaflets",
    services: ["Help to fill in a report", "Private room", "Information leaflets"],
  },
  {
    name: "Portishead Library",
    address: "Wyndham Way",
    town: "Portishead",
    postcode: "BS20 7PR",
    phone: "01275 843 475",
    openingTimes: "Tuesday to Saturday 9:30am to 5pm",
    accessibilityNotes: "Step-free access, hearing loop",
    services: ["Help to fill in a report", "Interpreter on request", "Information leaflets"],
  },
  {
    name: "Nailsea Library",
    address: "Crown Glass Place",
    town: "Nailsea",
    postcode: "BS48 1RQ",
    phone: "01275 854 583",
    openingTimes: "Monday to Friday 9:30am to 5pm, Saturday 9:30am to 1pm",
    accessibilityNotes: "Step-free access, accessible toilet",
    services: ["Help to fill in a report", "Private room"],
  },
  {
    name: "Winscombe Community Centre",
    address: "Sandford Road",
    town: "Rural areas",
    postcode: "BS25 1JA",
    phone: "01934 843 217",
    openingTimes: "Wednesday 10am to 2pm",
    accessibilityNotes: "Step-free access, parking next to the entrance",
    services: ["Help to fill in a report", "Information leaflets"],
  },
];

export const supportServices = [
  {
    name: "SARI (Stand Against Racism and Inequality)",
    helps: ["Everyone"],
    phone: "0117 942 0060",
    website: "https://www.saricharity.org.uk",
    email: "",
    description:
      "Free and confidential support for anyone affected by hate crime in North Somerset. A caseworker can help you report, talk to the police for you and stay with you until things are sorted out.",
  },
  {
    name: "Victim Support",
    helps: ["Everyone"],
    phone: "0808 16 89 111",
    website: "https://www.victimsupport.org.uk",
    email: "",
    description: "Free support for anyone affected by crime, whether or not it was reported to the police.",
  },
  {
    name: "Stop Hate UK",
    helps: ["Everyone", "Deaf people", "Young people"],
    phone: "0800 138 1625",
    website: "https://www.stophateuk.org",
    email: "",
    description: "A 24-hour helpline to report hate and talk to someone. You can also text or use web chat.",
  },
  {
    name: "Galop",
    helps: ["LGBT+ people"],
    phone: "0800 999 5428",
    website: "https://galop.org.uk",
    email: "",
    description: "Support for lesbian, gay, bisexual, trans and queer people who have experienced abuse or violence.",
  },
  {
    name: "Tell MAMA",
    helps: ["Muslim people"],
    phone: "0800 456 1226",
    website: "https://tellmamauk.org",
    email: "",
    description: "Support for people who have experienced anti-Muslim hatred, and a way to report it.",
  },
  {
    name: "Community Security Trust (CST)",
    helps: ["Jewish people"],
    phone: "0800 032 3263",
    website: "https://cst.org.uk",
    email: "",
    description: "Support for people who have experienced antisemitism, and a way to report it.",
  },
  {
    name: "North Somerset People First",
    helps: ["Disabled people"],
    phone: "01934 427 437",
    website: "",
    email: "",
    description: "Support and advocacy for people with learning disabilities in North Somerset.",
  },
];

/** Demo sign-ins outside production: one per role, and an officer in each lead agency. */
export const demoAccounts = [
  { email: "coordinator@rhins.example", name: "Casey Morgan", role: "COORDINATOR" as const, agency: "NSC" },
  { email: "officer.nsc@rhins.example", name: "Nia Patel", role: "OFFICER" as const, agency: "NSC" },
  { email: "officer.police@rhins.example", name: "Pat Evans", role: "OFFICER" as const, agency: "Police" },
  { email: "officer.sari@rhins.example", name: "Sam Hughes", role: "OFFICER" as const, agency: "SARI" },
  { email: "viewer@rhins.example", name: "Val Brooks", role: "VIEWER" as const, agency: null },
];
