// Colleagues by id, for showing a deal's owner or a ticket's assignee by name.
import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "./api/client";

export type Person = Schemas["PersonOut"];

export function usePeople() {
  const people = useQuery({
    queryKey: ["people"],
    queryFn: () => unwrap(api.GET("/api/v1/people", { params: { query: { limit: 500 } } })),
    staleTime: 5 * 60_000,
  });
  const byId = new Map((people.data?.items ?? []).map((person) => [person.id ?? "", person]));
  return { people: people.data?.items ?? [], byId, nameOf: (id?: string | null) => (id ? byId.get(id)?.name : undefined) };
}
