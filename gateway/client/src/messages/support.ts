// Texts of the support screens (the team backlog) and of the customer portal: each screen
// adds them when its chunk loads, with addMessages.

const en = {
  backlog: {
    title: "Team backlog", team: "Team", noTeam: "No support team exists yet.", priority: "Priority", anyPriority: "Any priority",
    sla: "SLA", anySla: "Any state", breachedOnly: "Breached only",
    summary_one: "{{count}} open ticket", summary_other: "{{count}} open tickets",
    breachedCount: "{{count}} breached", atRiskCount: "{{count}} due within the hour", unassignedCount: "{{count}} unassigned",
    unassigned: "Unassigned", notMember: "{{name}} (not in the team)", someone: "Someone else",
    load_one: "{{count}} ticket", load_other: "{{count}} tickets", empty: "Nothing assigned.",
    number: "Number", subject: "Subject", status: "Status", age: "Opened", due: "SLA", reassign: "Reassign",
    assignTo: "Assign {{number}} to", assign: "Assign", nobody: "Nobody (unassigned)",
    assigned: "{{number}} given to {{name}}.", unassignedDone: "{{number}} is unassigned.",
    conflict: "{{number}} changed meanwhile: the backlog has been reloaded. Try again.",
    more: "Show more tickets", old: "open for more than three days",
  },
  portal: {
    name: "Customer portal", nav: "Portal", tickets: "My requests", newTicket: "New request", help: "Help articles",
    signOut: "Sign out", signedInAs: "Signed in as {{name}}",
    signIn: { title: "Sign in to the customer portal", intro: "Enter the email address we know you by: we will mail you a link that signs you in.",
      email: "Email", send: "Email me a sign-in link",
      sent: "If {{email}} is known to us, a sign-in link is on its way. It works once, for 15 minutes.",
      opening: "Signing you in…", ended: "Your session has ended: sign in again.", used: "This link was used already. Ask for a new one below.",
      expired: "This link has expired. Ask for a new one below.", invalid: "This link is not one we sent. Ask for a new one below.",
      staff: "You are signed in as a member of staff: the portal is for customers. Sign out of the CRM first, or use another browser." },
    list: { none: "You have no request yet.", number: "Number", subject: "Subject", status: "Status", updated: "Last update", open: "Only open requests" },
    status: { new: "Received", open: "In progress", pending: "Waiting for your answer", on_hold: "On hold", solved: "Solved", closed: "Closed" },
    ticket: { thread: "Conversation", you: "You", agent: "Support", system: "Notice", reply: "Your reply", send: "Send",
      sent: "Your reply has been sent.", reopens: "Replying opens the request again.", back: "All my requests" },
    create: { title: "New request", subject: "Subject", description: "Describe your request", type: "Kind of request",
      types: { question: "A question", incident: "Something does not work", problem: "A recurring problem", task: "Something to do for me" },
      submit: "Send the request", created: "Request {{number}} received.",
      suggested: "These articles may already answer it" },
    kb: { title: "Help articles", search: "Search the help articles", submit: "Search", none: "No article matches “{{q}}”.",
      intro: "Find an answer in our articles before opening a request.", results_one: "{{count}} article", results_other: "{{count}} articles" },
  },
  survey: {
    title: "How did we do?", about: "Your request {{number}}: {{subject}}", rating: "Your rating",
    ratings: { "1": "1 – Very bad", "2": "2 – Bad", "3": "3 – Fair", "4": "4 – Good", "5": "5 – Excellent" },
    comment: "Anything to add? (optional)", submit: "Send my rating", thanks: "Thank you: your rating has been recorded.",
    answered: "This survey has been answered already. Thank you!", expired: "This survey link has expired.",
    invalid: "This survey link is not one we sent.", until: "You can answer until {{date}}.", choose: "Choose a rating from 1 to 5.",
  },
};

type Messages = typeof en;

const fr: Messages = {
  backlog: {
    title: "File de l’équipe", team: "Équipe", noTeam: "Aucune équipe support n’existe encore.", priority: "Priorité", anyPriority: "Toutes les priorités",
    sla: "SLA", anySla: "Tous les états", breachedOnly: "Dépassés seulement",
    summary_one: "{{count}} ticket ouvert", summary_other: "{{count}} tickets ouverts",
    breachedCount: "{{count}} dépassé(s)", atRiskCount: "{{count}} à échéance dans l’heure", unassignedCount: "{{count}} non attribué(s)",
    unassigned: "Non attribués", notMember: "{{name}} (hors de l’équipe)", someone: "Quelqu’un d’autre",
    load_one: "{{count}} ticket", load_other: "{{count}} tickets", empty: "Rien d’attribué.",
    number: "Numéro", subject: "Objet", status: "Statut", age: "Ouvert", due: "SLA", reassign: "Réattribuer",
    assignTo: "Attribuer {{number}} à", assign: "Attribuer", nobody: "Personne (non attribué)",
    assigned: "{{number}} confié à {{name}}.", unassignedDone: "{{number}} n’est plus attribué.",
    conflict: "{{number}} a changé entre-temps : la file a été rechargée. Réessayez.",
    more: "Afficher plus de tickets", old: "ouvert depuis plus de trois jours",
  },
  portal: {
    name: "Espace client", nav: "Espace client", tickets: "Mes demandes", newTicket: "Nouvelle demande", help: "Articles d’aide",
    signOut: "Se déconnecter", signedInAs: "Connecté en tant que {{name}}",
    signIn: { title: "Connexion à l’espace client", intro: "Saisissez l’adresse e-mail que nous vous connaissons : nous vous enverrons un lien de connexion.",
      email: "E-mail", send: "Recevoir un lien de connexion",
      sent: "Si nous connaissons {{email}}, un lien de connexion vous a été envoyé. Il fonctionne une fois, pendant 15 minutes.",
      opening: "Connexion en cours…", ended: "Votre session a pris fin : reconnectez-vous.", used: "Ce lien a déjà servi. Demandez-en un nouveau ci-dessous.",
      expired: "Ce lien a expiré. Demandez-en un nouveau ci-dessous.", invalid: "Ce lien ne vient pas de nous. Demandez-en un nouveau ci-dessous.",
      staff: "Vous êtes connecté en tant que membre de l’équipe : l’espace client est réservé aux clients. Déconnectez-vous du CRM ou utilisez un autre navigateur." },
    list: { none: "Vous n’avez encore aucune demande.", number: "Numéro", subject: "Objet", status: "Statut", updated: "Dernière mise à jour", open: "Seulement les demandes en cours" },
    status: { new: "Reçue", open: "En cours", pending: "En attente de votre réponse", on_hold: "Suspendue", solved: "Résolue", closed: "Fermée" },
    ticket: { thread: "Conversation", you: "Vous", agent: "Support", system: "Information", reply: "Votre réponse", send: "Envoyer",
      sent: "Votre réponse a été envoyée.", reopens: "Répondre rouvre la demande.", back: "Toutes mes demandes" },
    create: { title: "Nouvelle demande", subject: "Objet", description: "Décrivez votre demande", type: "Type de demande",
      types: { question: "Une question", incident: "Quelque chose ne fonctionne pas", problem: "Un problème récurrent", task: "Une tâche à réaliser pour moi" },
      submit: "Envoyer la demande", created: "Demande {{number}} reçue.",
      suggested: "Ces articles y répondent peut-être déjà" },
    kb: { title: "Articles d’aide", search: "Rechercher dans les articles d’aide", submit: "Rechercher", none: "Aucun article ne correspond à « {{q}} ».",
      intro: "Trouvez une réponse dans nos articles avant d’ouvrir une demande.", results_one: "{{count}} article", results_other: "{{count}} articles" },
  },
  survey: {
    title: "Votre avis compte", about: "Votre demande {{number}} : {{subject}}", rating: "Votre note",
    ratings: { "1": "1 – Très mauvais", "2": "2 – Mauvais", "3": "3 – Correct", "4": "4 – Bon", "5": "5 – Excellent" },
    comment: "Un commentaire ? (facultatif)", submit: "Envoyer ma note", thanks: "Merci : votre note a été enregistrée.",
    answered: "Ce questionnaire a déjà reçu une réponse. Merci !", expired: "Ce lien de questionnaire a expiré.",
    invalid: "Ce lien de questionnaire ne vient pas de nous.", until: "Vous pouvez répondre jusqu’au {{date}}.", choose: "Choisissez une note de 1 à 5.",
  },
};

export const supportMessages = { en, fr };
