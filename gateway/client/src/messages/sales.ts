// Texts of the sales screens (deal page, forecast): each screen adds them when its chunk
// loads, with addMessages.

const en = {
  deal: {
    back: "Pipeline", name: "Name", status: { open: "Open", won: "Won", lost: "Lost" },
    amount: "Amount", weighted: "Weighted", stage: "Stage", pipeline: "Pipeline", probability: "Probability",
    probabilityValue: "{{value}} %", overridden: "(set by hand)", close: "Expected close", noClose: "Not set",
    owner: "Owner", contact: "Contact", openContact: "Customer view", lostReason: "Reason lost", closedAt: "Closed",
    description: "Description", currency: "Currency (ISO code)",
    edit: "Edit", editTitle: "Edit the deal", saved: "Deal saved.", win: "Mark won", won: "Deal won.",
    lose: "Mark lost", loseTitle: "Why was it lost?", lost: "Deal marked lost.", reopen: "Reopen", reopened: "Deal reopened.",
    conflict: "Someone else changed this deal: it has been reloaded. Try again.",
    probabilityHelp: "Empty: the stage's probability.",
    history: "Stage history", noHistory: "No stage change yet.", created: "Created in {{stage}}",
    moved: "{{from}} → {{to}}", spent: "after {{time}} in the stage before",
    quotes: { title: "Quotes", none: "No quote yet.", new: "New quote", create: "Create quote", created: "Quote {{number}} created.",
      number: "Number", status: "Status", total: "Total", validUntil: "Valid until", actions: "Actions",
      send: "Send", sent: "Quote {{number}} sent.", accept: "Accept", accepted: "Quote {{number}} accepted: order {{order}} created.",
      reject: "Reject", rejectReason: "Reason for rejecting {{number}} (optional)", rejected: "Quote {{number}} rejected.",
      order: "Order {{number}}", orderMade: "Order created", priceList: "Price list", noPriceList: "None (prices typed in)",
      lines: "Lines", product: "Product", customLine: "— typed in —", lineDescription: "Description", quantity: "Quantity",
      unitPrice: "Unit price", unitPriceHelp: "Empty: the price list's", discount: "Discount %", tax: "Tax %",
      addLine: "Add a line", removeLine: "Remove line {{position}}", line: "Line {{position}}",
      notes: "Notes", subtotal: "Subtotal", taxTotal: "Tax", netTotal: "Net",
      states: { draft: "Draft", sent: "Sent", accepted: "Accepted", rejected: "Rejected", expired: "Expired" } },
    activities: { title: "Activities", none: "No activity yet.", add: "Add activity", added: "“{{subject}}” added.",
      type: "Type", subject: "Subject", due: "Due", start: "Starts", end: "Ends", notes: "Notes",
      complete: "Mark “{{subject}}” done", completed: "“{{subject}}” done.", done: "Done {{time}}", open: "Open",
      types: { task: "Task", call: "Call", meeting: "Meeting", email: "Email" } },
  },
  forecast: {
    title: "Forecast", period: "Period", periods: { month: "By month", quarter: "By quarter" },
    owner: "Owner", anyOwner: "Everyone", pipeline: "Pipeline", anyPipeline: "All pipelines",
    from: "Closing from", to: "Closing before", groupBy: "Rows", group: { period: "Period", owner: "Owner", stage: "Stage" },
    none: "No open deal matches.", noDate: "No close date", nobody: "Nobody", unknownPerson: "Someone else",
    deals: "Deals", amount: "Pipeline", weighted: "Weighted", total: "Total",
    summary: "Open pipeline {{amount}}, weighted {{weighted}} ({{count}} deals)",
    caption: "Open deals by {{group}} and currency: amounts and probability-weighted amounts.",
  },
};

type Messages = typeof en;

const fr: Messages = {
  deal: {
    back: "Pipeline", name: "Nom", status: { open: "En cours", won: "Gagnée", lost: "Perdue" },
    amount: "Montant", weighted: "Pondéré", stage: "Étape", pipeline: "Pipeline", probability: "Probabilité",
    probabilityValue: "{{value}} %", overridden: "(saisie à la main)", close: "Clôture prévue", noClose: "Non renseignée",
    owner: "Responsable", contact: "Contact", openContact: "Fiche client", lostReason: "Motif de perte", closedAt: "Clôturée",
    description: "Description", currency: "Devise (code ISO)",
    edit: "Modifier", editTitle: "Modifier l’affaire", saved: "Affaire enregistrée.", win: "Marquer gagnée", won: "Affaire gagnée.",
    lose: "Marquer perdue", loseTitle: "Pourquoi a-t-elle été perdue ?", lost: "Affaire marquée perdue.", reopen: "Rouvrir", reopened: "Affaire rouverte.",
    conflict: "Quelqu’un d’autre a modifié cette affaire : elle a été rechargée. Réessayez.",
    probabilityHelp: "Vide : la probabilité de l’étape.",
    history: "Historique des étapes", noHistory: "Aucun changement d’étape pour l’instant.", created: "Créée à l’étape {{stage}}",
    moved: "{{from}} → {{to}}", spent: "après {{time}} dans l’étape précédente",
    quotes: { title: "Devis", none: "Aucun devis pour l’instant.", new: "Nouveau devis", create: "Créer le devis", created: "Devis {{number}} créé.",
      number: "Numéro", status: "Statut", total: "Total", validUntil: "Valable jusqu’au", actions: "Actions",
      send: "Envoyer", sent: "Devis {{number}} envoyé.", accept: "Accepter", accepted: "Devis {{number}} accepté : commande {{order}} créée.",
      reject: "Refuser", rejectReason: "Motif du refus de {{number}} (facultatif)", rejected: "Devis {{number}} refusé.",
      order: "Commande {{number}}", orderMade: "Commande créée", priceList: "Liste de prix", noPriceList: "Aucune (prix saisis)",
      lines: "Lignes", product: "Produit", customLine: "— saisie libre —", lineDescription: "Désignation", quantity: "Quantité",
      unitPrice: "Prix unitaire", unitPriceHelp: "Vide : celui de la liste de prix", discount: "Remise %", tax: "TVA %",
      addLine: "Ajouter une ligne", removeLine: "Retirer la ligne {{position}}", line: "Ligne {{position}}",
      notes: "Notes", subtotal: "Sous-total", taxTotal: "Taxes", netTotal: "Net",
      states: { draft: "Brouillon", sent: "Envoyé", accepted: "Accepté", rejected: "Refusé", expired: "Expiré" } },
    activities: { title: "Activités", none: "Aucune activité pour l’instant.", add: "Ajouter l’activité", added: "« {{subject}} » ajoutée.",
      type: "Type", subject: "Objet", due: "Échéance", start: "Début", end: "Fin", notes: "Notes",
      complete: "Marquer « {{subject}} » comme fait", completed: "« {{subject}} » fait.", done: "Fait {{time}}", open: "À faire",
      types: { task: "Tâche", call: "Appel", meeting: "Rendez-vous", email: "E-mail" } },
  },
  forecast: {
    title: "Prévisions", period: "Période", periods: { month: "Par mois", quarter: "Par trimestre" },
    owner: "Responsable", anyOwner: "Tout le monde", pipeline: "Pipeline", anyPipeline: "Tous les pipelines",
    from: "Clôture à partir du", to: "Clôture avant le", groupBy: "Lignes", group: { period: "Période", owner: "Responsable", stage: "Étape" },
    none: "Aucune affaire en cours ne correspond.", noDate: "Sans date de clôture", nobody: "Personne", unknownPerson: "Quelqu’un d’autre",
    deals: "Affaires", amount: "Pipeline", weighted: "Pondéré", total: "Total",
    summary: "Pipeline ouvert {{amount}}, pondéré {{weighted}} ({{count}} affaires)",
    caption: "Affaires en cours par {{group}} et par devise : montants et montants pondérés par la probabilité.",
  },
};

export const salesMessages = { en, fr };
