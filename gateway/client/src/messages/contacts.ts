// The contacts and accounts screens' texts (list, saved views, duplicates and merge, import,
// accounts and the account 360), added by `useContactMessages` when one of their chunks loads.
import { addMessages } from "../i18n";

const en = {
  contactList: {
    city: "City", country: "Country", tag: "Tag", mine: "Only my contacts", clear: "Clear filters",
    export: "Export CSV", import: "Import", duplicates: "Duplicates",
    help: "In the list, ↑ and ↓ move between contacts, Page Up and Page Down by a screen, Home and End to the ends; Enter opens the contact.",
    table: "Contacts matching the filters",
  },
  views: {
    label: "Saved view", none: "— No saved view —", save: "Save view", saveTitle: "Save the current search, filters and sort",
    name: "Name of the view", create: "Save", delete: "Delete view “{{name}}”", saved: "View “{{name}}” saved.",
    deleted: "View “{{name}}” deleted.", applied: "View “{{name}}” applied.", failed: "The saved views could not be loaded.",
  },
  dupes: {
    title: "Duplicates of {{name}}", back: "Back to the contact", none: "No probable duplicate of this contact.",
    score: "Likeness {{score}} %", compare: "Compare and merge", candidates: "Probable duplicates",
    mergeTitle: "Merge {{other}} into {{name}}", help: "Choose, field by field, which value the merged contact keeps. Tags are combined; {{other}} is retired and its history moves to {{name}}.",
    same: "The two contacts hold the same values: merging keeps them and combines the tags.",
    this: "This contact", other: "The duplicate", empty: "(empty)", merge: "Merge into this contact", merging: "Merging…",
    merged: "{{other}} merged into {{name}}.", cancel: "Cancel",
    stale: "This contact was changed by someone else since you opened this page: the comparison now shows its new values. Check your choices and merge again.",
    conflict: "This merge cannot be done: {{reason}}", gone: "The duplicate no longer exists (it was merged or erased): the list has been refreshed.",
    viewAll: "Duplicates",
    reasons: { same_email: "Same email", same_phone: "Same phone",
      same_name_same_company: "Same name at the same company", same_name_similar_company: "Same name at a similar company ({{company}} %)",
      similar_name_same_company: "Similar name ({{name}} %) at the same company", similar_name_similar_company: "Similar name ({{name}} %) at a similar company ({{company}} %)",
      same_name_unknown_company: "Same name, company unknown", similar_name_unknown_company: "Similar name ({{name}} %), company unknown", raw: "{{text}}" },
  },
  importer: {
    title: "Import contacts", back: "Back to the contacts",
    steps: { file: "File", columns: "Columns", options: "Duplicates", progress: "Import" },
    file: "CSV or vCard file", fileHelp: "A CSV with a header line (comma, semicolon or tab separated, UTF-8), or a vCard file.",
    chosen: "{{name}} ({{size}} kB)", noHeader: "This file has no header line: the first line must name the columns.",
    next: "Next", previous: "Back", column: "Column in the file", field: "Imported as", sample: "First values",
    columnsHelp: "Choose the contact field each column fills. Columns left on “Not imported” are skipped. The company column creates or finds the account.",
    unnamed: "Column {{number}}", ignore: "Not imported", twice: "{{field}} is chosen for another column too.",
    nothingMapped: "No column is imported: choose a field for at least one column.",
    preview_one: "Preview of the first row", preview_other: "Preview of the first {{count}} rows",
    dedup: "When a row has the email or phone of an existing contact",
    policies: { skip: "Skip the row", update: "Update the contact", create: "Create another contact" },
    policyHelp: { skip: "The existing contact is left as it is.", update: "The file's values replace the contact's.",
      create: "A second contact is created: you can merge them later." },
    dryRun: "Check without importing", start: "Import",
    running: "{{processed}} of {{total}} rows processed",
    status: { done: "Finished", failed: "The import failed", queued: "Waiting to start", running: "Importing" },
    counts: { created: "Created", updated: "Updated", skipped: "Skipped", failed: "Failed" },
    done: "The import is finished.", dryDone: "The check is finished: nothing was written. Import the file for real when the figures look right.",
    rowErrors_one: "{{count}} row could not be imported", rowErrors_other: "{{count}} rows could not be imported",
    line: "Line {{line}}", report: "Download the error report (CSV)", forReal: "Import for real",
    toContacts: "See the contacts", another: "Import another file",
    fields: { first_name: "First name", last_name: "Last name", email: "Email", phone: "Phone", title: "Job title",
      account: "Company (account)", lifecycle_stage: "Lifecycle stage", source: "Source", tags: "Tags",
      address_line: "Address", city: "City", postal_code: "Postal code", country: "Country" },
  },
};

type Messages = typeof en;

const fr: Messages = {
  contactList: {
    city: "Ville", country: "Pays", tag: "Étiquette", mine: "Seulement mes contacts", clear: "Effacer les filtres",
    export: "Exporter en CSV", import: "Importer", duplicates: "Doublons",
    help: "Dans la liste, ↑ et ↓ passent d’un contact à l’autre, Page préc. et Page suiv. d’un écran, Début et Fin aux extrémités ; Entrée ouvre le contact.",
    table: "Contacts correspondant aux filtres",
  },
  views: {
    label: "Vue enregistrée", none: "— Aucune vue enregistrée —", save: "Enregistrer la vue", saveTitle: "Enregistrer la recherche, les filtres et le tri actuels",
    name: "Nom de la vue", create: "Enregistrer", delete: "Supprimer la vue « {{name}} »", saved: "Vue « {{name}} » enregistrée.",
    deleted: "Vue « {{name}} » supprimée.", applied: "Vue « {{name}} » appliquée.", failed: "Les vues enregistrées n’ont pas pu être chargées.",
  },
  dupes: {
    title: "Doublons de {{name}}", back: "Retour au contact", none: "Aucun doublon probable de ce contact.",
    score: "Ressemblance {{score}} %", compare: "Comparer et fusionner", candidates: "Doublons probables",
    mergeTitle: "Fusionner {{other}} dans {{name}}", help: "Choisissez, champ par champ, la valeur que garde le contact fusionné. Les étiquettes sont réunies ; {{other}} est retiré et son historique passe à {{name}}.",
    same: "Les deux contacts ont les mêmes valeurs : la fusion les garde et réunit les étiquettes.",
    this: "Ce contact", other: "Le doublon", empty: "(vide)", merge: "Fusionner dans ce contact", merging: "Fusion…",
    merged: "{{other}} fusionné dans {{name}}.", cancel: "Annuler",
    stale: "Quelqu’un d’autre a modifié ce contact depuis l’ouverture de cette page : la comparaison montre maintenant ses nouvelles valeurs. Vérifiez vos choix et fusionnez à nouveau.",
    conflict: "Cette fusion est impossible : {{reason}}", gone: "Le doublon n’existe plus (fusionné ou effacé) : la liste a été actualisée.",
    viewAll: "Doublons",
    reasons: { same_email: "Même e-mail", same_phone: "Même téléphone",
      same_name_same_company: "Même nom dans la même entreprise", same_name_similar_company: "Même nom dans une entreprise proche ({{company}} %)",
      similar_name_same_company: "Nom proche ({{name}} %) dans la même entreprise", similar_name_similar_company: "Nom proche ({{name}} %) dans une entreprise proche ({{company}} %)",
      same_name_unknown_company: "Même nom, entreprise inconnue", similar_name_unknown_company: "Nom proche ({{name}} %), entreprise inconnue", raw: "{{text}}" },
  },
  importer: {
    title: "Importer des contacts", back: "Retour aux contacts",
    steps: { file: "Fichier", columns: "Colonnes", options: "Doublons", progress: "Import" },
    file: "Fichier CSV ou vCard", fileHelp: "Un CSV avec une ligne d’en-tête (séparé par des virgules, points-virgules ou tabulations, en UTF-8), ou un fichier vCard.",
    chosen: "{{name}} ({{size}} ko)", noHeader: "Ce fichier n’a pas de ligne d’en-tête : la première ligne doit nommer les colonnes.",
    next: "Suivant", previous: "Retour", column: "Colonne du fichier", field: "Importée comme", sample: "Premières valeurs",
    columnsHelp: "Choisissez le champ du contact que remplit chaque colonne. Les colonnes laissées sur « Non importée » sont ignorées. La colonne de l’entreprise crée ou retrouve le compte.",
    unnamed: "Colonne {{number}}", ignore: "Non importée", twice: "{{field}} est aussi choisi pour une autre colonne.",
    nothingMapped: "Aucune colonne n’est importée : choisissez un champ pour au moins une colonne.",
    preview_one: "Aperçu de la première ligne", preview_other: "Aperçu des {{count}} premières lignes",
    dedup: "Quand une ligne a l’e-mail ou le téléphone d’un contact existant",
    policies: { skip: "Ignorer la ligne", update: "Mettre à jour le contact", create: "Créer un autre contact" },
    policyHelp: { skip: "Le contact existant reste tel quel.", update: "Les valeurs du fichier remplacent celles du contact.",
      create: "Un second contact est créé : vous pourrez les fusionner ensuite." },
    dryRun: "Vérifier sans importer", start: "Importer",
    running: "{{processed}} lignes traitées sur {{total}}",
    status: { done: "Terminé", failed: "L’import a échoué", queued: "En attente", running: "Import en cours" },
    counts: { created: "Créés", updated: "Mis à jour", skipped: "Ignorés", failed: "En échec" },
    done: "L’import est terminé.", dryDone: "La vérification est terminée : rien n’a été écrit. Importez le fichier pour de bon si les chiffres sont bons.",
    rowErrors_one: "{{count}} ligne n’a pas pu être importée", rowErrors_other: "{{count}} lignes n’ont pas pu être importées",
    line: "Ligne {{line}}", report: "Télécharger le rapport d’erreurs (CSV)", forReal: "Importer pour de bon",
    toContacts: "Voir les contacts", another: "Importer un autre fichier",
    fields: { first_name: "Prénom", last_name: "Nom", email: "E-mail", phone: "Téléphone", title: "Fonction",
      account: "Entreprise (compte)", lifecycle_stage: "Étape du cycle de vie", source: "Origine", tags: "Étiquettes",
      address_line: "Adresse", city: "Ville", postal_code: "Code postal", country: "Pays" },
  },
};

export const contactMessages = { en, fr };

let added = false;
/** Adds the texts once; each of the screens' modules calls it as it loads. */
export function addContactMessages(): void {
  if (!added) addMessages(contactMessages);
  added = true;
}
