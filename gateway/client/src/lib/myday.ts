// My day's groups: what is late first, then what is due today, then what has no date.
import type { Activity } from "../api/client";

export type DayGroups = { overdue: Activity[]; today: Activity[]; undated: Activity[] };

export const whenOf = (activity: Activity): string | null => activity.start_at ?? activity.due_at ?? null;

export function groupDay(items: Activity[], now: number): DayGroups {
  const groups: DayGroups = { overdue: [], today: [], undated: [] };
  for (const activity of items) {
    if (activity.completed_at) continue;
    const when = whenOf(activity);
    if (!when) groups.undated.push(activity);
    else if (Date.parse(when) < now) groups.overdue.push(activity);
    else groups.today.push(activity);
  }
  const byTime = (a: Activity, b: Activity) => Date.parse(whenOf(a) ?? "") - Date.parse(whenOf(b) ?? "");
  groups.overdue.sort(byTime);
  groups.today.sort(byTime);
  return groups;
}
