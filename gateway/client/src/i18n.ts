// French and English: the browser's language first, then the user's choice (remembered).
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { loadApiMessages } from "./lib/apiMessages";

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "crm.language";

const en = {
  app: { name: "CRM", skip: "Skip to content", language: "Language", signOut: "Sign out",
    dismiss: "Dismiss", loading: "Loading…", retry: "Retry", error: "Something went wrong", offline: "The server could not be reached.",
    notFound: "This page does not exist.", home: "Back to the start", save: "Save", cancel: "Cancel",
    saved: "Saved", sessionExpired: "Your session has expired: sign in again.", yes: "Yes", no: "No" },
  nav: { label: "Main", myDay: "My day", contacts: "Contacts", accounts: "Accounts", pipeline: "Pipeline", queue: "My queue", forecast: "Forecast", backlog: "Team backlog",
    dashboards: "Dashboards", marketing: "Marketing", admin: "Admin" },
  signIn: { title: "Sign in", email: "Email", password: "Password", submit: "Sign in",
    failed: "The email or the password is wrong.", tooMany: "Too many attempts: wait a few minutes and retry." },
  contacts: { title: "Contacts", search: "Search contacts", stage: "Lifecycle stage", anyStage: "Any stage",
    sort: "Sort by", new: "New contact", none: "No contact matches.", more: "Loading more…", loadMore: "Load more", end: "End of the list",
    count_one: "{{count}} contact shown", count_other: "{{count}} contacts shown",
    sortOptions: { "-updated_at": "Recently updated", last_name: "Last name (A–Z)", "-last_name": "Last name (Z–A)", "-created_at": "Newest" },
    name: "Name", email: "Email", phone: "Phone", company: "Title", updated: "Updated", edit: "Edit", editTitle: "Edit contact" },
  field: { first_name: "First name", last_name: "Last name", email: "Email", phone: "Phone", title: "Job title",
    lifecycle_stage: "Lifecycle stage", city: "City", country: "Country (ISO code)", tags: "Tags (comma separated)" },
  stage: { subscriber: "Subscriber", lead: "Lead", marketing_qualified_lead: "Marketing qualified lead",
    sales_qualified_lead: "Sales qualified lead", opportunity: "Opportunity", customer: "Customer",
    evangelist: "Evangelist", other: "Other" },
  c360: { identity: "Identity", timeline: "Timeline", deals: "Open deals", tickets: "Open tickets", none: "Nothing yet.",
    missing: "Not available right now: {{sections}} ({{service}} did not answer).", slaLeft: "Resolution due {{time}}",
    slaBreached: "SLA breached", noSla: "No SLA", kinds: { activity: "Activity", ticket: "Ticket", deal: "Deal", campaign: "Campaign", merge: "Merge" },
    kpis: "Key figures", openPipeline: "Open pipeline", churnRisk: "Churn risk", leadScore: "Lead score", edit: "Edit" },
  board: { title: "Pipeline", pipeline: "Pipeline", help: "Drag a card to another column, or focus a card and press Shift + → or Shift + ← to move it.",
    count_one: "{{count}} deal", count_other: "{{count}} deals", moved: "{{deal}} moved to {{stage}}.",
    conflict: "{{deal}} was changed by someone else: the board has been reloaded. Try again.",
    failed: "{{deal}} could not be moved: {{reason}}", moreCards: "More deals in this stage are not shown.",
    empty: "No deal", mine: "Only my deals", probability: "{{value}} % likely", moveLeft: "Move left", moveRight: "Move right" },
  myDay: { title: "My day", overdue: "Overdue", today: "Due today", later: "No date", complete: "Mark “{{subject}}” done",
    completed: "“{{subject}}” done.", none: "Nothing left for today.", calendar: "Calendar feed",
    calendarHelp: "Subscribe to this address in your calendar app. Keep it private: it opens your calendar without a password.",
    copy: "Copy", copied: "Copied", overdueCount_one: "{{count}} overdue", overdueCount_other: "{{count}} overdue",
    types: { task: "Task", call: "Call", meeting: "Meeting", email: "Email" } },
  queue: { title: "My queue", none: "Your queue is empty.", number: "Number", subject: "Subject", priority: "Priority",
    status: "Status", due: "SLA time left", breached: "Breached {{time}}", left: "Due {{time}}", noSla: "—", more: "Show more" },
  ticket: { thread: "Conversation", reply: "Reply to the customer", note: "Internal note", send: "Send reply",
    addNote: "Add note", internal: "Internal note", customer: "Customer", agent: "Agent", system: "System",
    sent: "Reply sent.", noted: "Note added.", body: "Message", priority: "Priority", status: "Status", contact: "Contact", openContact: "Customer view",
    suggested: "Suggested articles", noSuggestion: "No published article matches this ticket.", useInReply: "Use “{{title}}” in the reply" },
  priority: { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" },
  ticketStatus: { new: "New", open: "Open", pending: "Pending", on_hold: "On hold", solved: "Solved", closed: "Closed" },
  conflict: { title: "Someone else changed this contact while you were editing it.", field: "Field",
    theirs: "Their value (saved)", mine: "Your value", keepMine: "Save mine over theirs",
    takeTheirs: "Take theirs and drop mine" },
};

type Resource = typeof en;

const fr: Resource = {
  app: { name: "CRM", skip: "Aller au contenu", language: "Langue", signOut: "Se déconnecter",
    dismiss: "Fermer", loading: "Chargement…", retry: "Réessayer", error: "Une erreur est survenue", offline: "Le serveur est injoignable.",
    notFound: "Cette page n’existe pas.", home: "Retour à l’accueil", save: "Enregistrer", cancel: "Annuler",
    saved: "Enregistré", sessionExpired: "Votre session a expiré : reconnectez-vous.", yes: "Oui", no: "Non" },
  nav: { label: "Principale", myDay: "Ma journée", contacts: "Contacts", accounts: "Comptes", pipeline: "Pipeline", queue: "Ma file", forecast: "Prévisions", backlog: "File de l’équipe",
    dashboards: "Tableaux de bord", marketing: "Marketing", admin: "Administration" },
  signIn: { title: "Connexion", email: "E-mail", password: "Mot de passe", submit: "Se connecter",
    failed: "L’e-mail ou le mot de passe est incorrect.", tooMany: "Trop de tentatives : patientez quelques minutes." },
  contacts: { title: "Contacts", search: "Rechercher des contacts", stage: "Étape du cycle de vie", anyStage: "Toutes les étapes",
    sort: "Trier par", new: "Nouveau contact", none: "Aucun contact ne correspond.", more: "Chargement de la suite…", loadMore: "Charger la suite", end: "Fin de la liste",
    count_one: "{{count}} contact affiché", count_other: "{{count}} contacts affichés",
    sortOptions: { "-updated_at": "Modifiés récemment", last_name: "Nom (A–Z)", "-last_name": "Nom (Z–A)", "-created_at": "Plus récents" },
    name: "Nom", email: "E-mail", phone: "Téléphone", company: "Fonction", updated: "Modifié", edit: "Modifier", editTitle: "Modifier le contact" },
  field: { first_name: "Prénom", last_name: "Nom", email: "E-mail", phone: "Téléphone", title: "Fonction",
    lifecycle_stage: "Étape du cycle de vie", city: "Ville", country: "Pays (code ISO)", tags: "Étiquettes (séparées par des virgules)" },
  stage: { subscriber: "Abonné", lead: "Piste", marketing_qualified_lead: "Piste qualifiée marketing",
    sales_qualified_lead: "Piste qualifiée ventes", opportunity: "Opportunité", customer: "Client",
    evangelist: "Ambassadeur", other: "Autre" },
  c360: { identity: "Identité", timeline: "Chronologie", deals: "Affaires en cours", tickets: "Tickets ouverts", none: "Rien pour l’instant.",
    missing: "Indisponible pour le moment : {{sections}} ({{service}} n’a pas répondu).", slaLeft: "Résolution attendue {{time}}",
    slaBreached: "SLA dépassé", noSla: "Sans SLA", kinds: { activity: "Activité", ticket: "Ticket", deal: "Affaire", campaign: "Campagne", merge: "Fusion" },
    kpis: "Chiffres clés", openPipeline: "Pipeline ouvert", churnRisk: "Risque d’attrition", leadScore: "Score", edit: "Modifier" },
  board: { title: "Pipeline", pipeline: "Pipeline", help: "Glissez une carte vers une autre colonne, ou placez le focus sur une carte et appuyez sur Maj + → ou Maj + ← pour la déplacer.",
    count_one: "{{count}} affaire", count_other: "{{count}} affaires", moved: "{{deal}} déplacée vers {{stage}}.",
    conflict: "{{deal}} a été modifiée par quelqu’un d’autre : le tableau a été rechargé. Réessayez.",
    failed: "{{deal}} n’a pas pu être déplacée : {{reason}}", moreCards: "D’autres affaires de cette étape ne sont pas affichées.",
    empty: "Aucune affaire", mine: "Seulement mes affaires", probability: "Probabilité {{value}} %", moveLeft: "Déplacer à gauche", moveRight: "Déplacer à droite" },
  myDay: { title: "Ma journée", overdue: "En retard", today: "Pour aujourd’hui", later: "Sans date", complete: "Marquer « {{subject}} » comme fait",
    completed: "« {{subject}} » fait.", none: "Plus rien pour aujourd’hui.", calendar: "Flux d’agenda",
    calendarHelp: "Abonnez votre agenda à cette adresse. Gardez-la privée : elle ouvre votre agenda sans mot de passe.",
    copy: "Copier", copied: "Copié", overdueCount_one: "{{count}} en retard", overdueCount_other: "{{count}} en retard",
    types: { task: "Tâche", call: "Appel", meeting: "Rendez-vous", email: "E-mail" } },
  queue: { title: "Ma file", none: "Votre file est vide.", number: "Numéro", subject: "Objet", priority: "Priorité",
    status: "Statut", due: "Temps SLA restant", breached: "Dépassé {{time}}", left: "Échéance {{time}}", noSla: "—", more: "Afficher plus" },
  ticket: { thread: "Conversation", reply: "Répondre au client", note: "Note interne", send: "Envoyer la réponse",
    addNote: "Ajouter la note", internal: "Note interne", customer: "Client", agent: "Agent", system: "Système",
    sent: "Réponse envoyée.", noted: "Note ajoutée.", body: "Message", priority: "Priorité", status: "Statut", contact: "Contact", openContact: "Fiche client",
    suggested: "Articles suggérés", noSuggestion: "Aucun article publié ne correspond à ce ticket.", useInReply: "Reprendre « {{title}} » dans la réponse" },
  priority: { low: "Basse", normal: "Normale", high: "Haute", urgent: "Urgente" },
  ticketStatus: { new: "Nouveau", open: "Ouvert", pending: "En attente", on_hold: "Suspendu", solved: "Résolu", closed: "Fermé" },
  conflict: { title: "Quelqu’un d’autre a modifié ce contact pendant votre saisie.", field: "Champ",
    theirs: "Sa valeur (enregistrée)", mine: "Votre valeur", keepMine: "Enregistrer la mienne par-dessus",
    takeTheirs: "Prendre la sienne et abandonner la mienne" },
};

export function initialLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored === "en" || stored === "fr") return stored;
  for (const tag of browser) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

export function setupI18n(): typeof i18next {
  const language = initialLanguage(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language]);
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language, fallbackLng: "en", interpolation: { escapeValue: false },
  });
  document.documentElement.lang = language;
  void loadApiMessages(language);
  i18next.on("languageChanged", (lng) => {
    document.documentElement.lang = lng;
    localStorage.setItem(STORAGE_KEY, lng);
    void loadApiMessages(lng);
  });
  return i18next;
}

export { en, fr };

/** A screen's own texts, added when its lazily loaded chunk first runs, so the initial
 * bundle carries only the shell's. `messages.en` and `messages.fr` must hold the same keys
 * (each screen's test checks it with `sameKeys`). */
export function addMessages(messages: { en: object; fr: object }): void {
  i18next.addResourceBundle("en", "translation", messages.en, true, false);
  i18next.addResourceBundle("fr", "translation", messages.fr, true, false);
}

/** Every key of a message tree, dotted: for the tests that compare the two languages. */
export const messageKeys = (tree: object, prefix = ""): string[] => Object.entries(tree).flatMap(([key, value]) =>
  typeof value === "object" ? messageKeys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`]);
