// What the navigation shows for a role. It mirrors gateway/gateway/permissions.py: a link
// is shown only to roles whose permissions let its page load.

export type NavItem = { path: string; label: string };

const SALES = new Set(["admin", "sales_manager", "sales_rep"]);
const SUPPORT = new Set(["admin", "support_manager", "support_agent"]);
const CUSTOMERS = new Set(["admin", "sales_manager", "sales_rep", "marketing",
  "support_manager", "support_agent", "viewer"]);

export function navFor(role: string): NavItem[] {
  const items: NavItem[] = [];
  if (SALES.has(role)) items.push({ path: "/my-day", label: "nav.myDay" });
  if (CUSTOMERS.has(role)) items.push({ path: "/contacts", label: "nav.contacts" });
  if (CUSTOMERS.has(role)) items.push({ path: "/pipeline", label: "nav.pipeline" });
  if (SUPPORT.has(role)) items.push({ path: "/queue", label: "nav.queue" });
  return items;
}

/** Where a role lands after signing in. */
export function homeFor(role: string): string {
  if (SUPPORT.has(role) && role !== "admin") return "/queue";
  if (SALES.has(role)) return "/my-day";
  return "/contacts";
}

/** Who may edit contacts, move deals, complete activities, answer tickets. */
export const can = {
  editContacts: (role: string) => role !== "viewer",
  moveDeals: (role: string) => SALES.has(role),
  answerTickets: (role: string) => SUPPORT.has(role),
};
