// The API writes its errors in English, for every caller (integrators read them too); the
// browser client shows them in the user's language. This catalogue turns the messages the
// API sends into French: marshmallow's defaults (as marshmallow 4.4 spells them), the
// gateway's problem titles and details, and the services' validation messages. A message it
// does not know is shown as the API wrote it: better English than nothing.
import i18next from "i18next";

// Words that the API puts inside a message (a record's kind, a status), translated where
// they are. Such a placeholder also matches only these words, so that "no {record} {id}"
// does not claim "no member of segment X...". A digit at the end of a placeholder's name
// gives a second one of the same kind: {dealStatus2}.
const WORDS: Record<string, Record<string, string>> = {
  record: {
    contact: "contact", account: "compte", opportunity: "affaire", activity: "activité",
    quote: "devis", pipeline: "pipeline", product: "produit", "price list": "liste de prix",
    order: "commande", ticket: "ticket", article: "article", team: "équipe", calendar: "calendrier",
    "assignment rule": "règle d’affectation", template: "modèle", segment: "segment",
    campaign: "campagne", form: "formulaire", scenario: "scénario", "scoring rule": "règle de score",
    "custom field": "champ personnalisé", "import job": "import", user: "utilisateur",
    "API key": "clé d’API", "saved view": "vue enregistrée", category: "catégorie",
  },
  dealStatus: { open: "en cours", won: "gagnée", lost: "perdue" },
  quoteStatus: { draft: "en brouillon", sent: "envoyé", accepted: "accepté", rejected: "refusé", expired: "expiré" },
  ticketStatus: { new: "nouveau", open: "ouvert", pending: "en attente", on_hold: "suspendu", solved: "résolu", closed: "fermé" },
  campaignStatus: { draft: "en brouillon", scheduled: "programmée", sending: "en cours d’envoi", sent: "envoyée",
    cancelled: "annulée", automated: "automatisée" },
  object: { contact: "contacts", account: "comptes" },
};

// Bounds and counts: only a number matches, so "at most {n}" leaves "at most 10 fields" alone.
const NUMBERS = new Set(["n", "min", "max", "equal"]);
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
// {reason} is an API message nested in another one: it is looked up in turn.
const NESTED = "reason";

/** English -> French. A {name} is copied over as the API wrote it (an id, a list of
 * choices...), unless it is a word of WORDS or a {reason}. */
const FRENCH: Record<string, string> = {
  // --- marshmallow's default messages (fields.py, validate.py, schema.py) ----------------
  "Missing data for required field.": "Ce champ est obligatoire.",
  "Field may not be null.": "Ce champ ne peut pas être vide.",
  "Invalid value.": "Valeur non valide.",
  "Invalid type.": "Type non valide.",
  "Invalid input type.": "Type de données non valide.",
  "Unknown field.": "Champ inconnu.",
  "Invalid input.": "Saisie non valide.",
  "Not a valid list.": "Ce n’est pas une liste valide.",
  "Not a valid tuple.": "Ce n’est pas une suite de valeurs valide.",
  "Not a valid string.": "Ce n’est pas un texte valide.",
  "Not a valid utf-8 string.": "Ce n’est pas un texte UTF-8 valide.",
  "Not a valid UUID.": "Ce n’est pas un identifiant UUID valide.",
  "Not a valid number.": "Ce n’est pas un nombre valide.",
  "Number too large.": "Nombre trop grand.",
  "Not a valid integer.": "Ce n’est pas un nombre entier valide.",
  "Special numeric values (nan or infinity) are not permitted.":
    "Les valeurs numériques spéciales (nan ou infini) ne sont pas autorisées.",
  "Not a valid boolean.": "Doit être vrai ou faux.",
  "Not a valid datetime.": "Ce n’est pas une date et heure valide.",
  "Not a valid naive datetime.": "Ce n’est pas une date et heure valide sans fuseau horaire.",
  "Not a valid aware datetime.": "Ce n’est pas une date et heure valide avec fuseau horaire.",
  "Not a valid date.": "Ce n’est pas une date valide.",
  "Not a valid time.": "Ce n’est pas une heure valide.",
  "\"{input}\" cannot be formatted as a datetime.": "« {input} » ne peut pas être écrit comme une date et heure.",
  "\"{input}\" cannot be formatted as a date.": "« {input} » ne peut pas être écrit comme une date.",
  "\"{input}\" cannot be formatted as a time.": "« {input} » ne peut pas être écrit comme une heure.",
  "Not a valid period of time.": "Ce n’est pas une durée valide.",
  "{input} cannot be formatted as a timedelta.": "{input} ne peut pas être écrit comme une durée.",
  "Not a valid mapping type.": "Ce n’est pas un objet valide.",
  "Not a valid URL.": "Ce n’est pas une URL valide.",
  "Not a valid email address.": "Ce n’est pas une adresse e-mail valide.",
  "Not a valid IP address.": "Ce n’est pas une adresse IP valide.",
  "Not a valid IPv4 address.": "Ce n’est pas une adresse IPv4 valide.",
  "Not a valid IPv6 address.": "Ce n’est pas une adresse IPv6 valide.",
  "Not a valid IP interface.": "Ce n’est pas une interface IP valide.",
  "Not a valid IPv4 interface.": "Ce n’est pas une interface IPv4 valide.",
  "Not a valid IPv6 interface.": "Ce n’est pas une interface IPv6 valide.",
  "Must be one of: {choices}.": "Doit être l’une des valeurs suivantes : {choices}.",
  "Must be greater than or equal to {min}.": "Doit être supérieur ou égal à {min}.",
  "Must be greater than {min}.": "Doit être supérieur à {min}.",
  "Must be less than or equal to {max}.": "Doit être inférieur ou égal à {max}.",
  "Must be less than {max}.": "Doit être inférieur à {max}.",
  "Must be greater than or equal to {min} and less than or equal to {max}.":
    "Doit être supérieur ou égal à {min} et inférieur ou égal à {max}.",
  "Must be greater than or equal to {min} and less than {max}.": "Doit être supérieur ou égal à {min} et inférieur à {max}.",
  "Must be greater than {min} and less than or equal to {max}.": "Doit être supérieur à {min} et inférieur ou égal à {max}.",
  "Must be greater than {min} and less than {max}.": "Doit être supérieur à {min} et inférieur à {max}.",
  "Shorter than minimum length {min}.": "Trop court : la longueur minimale est de {min}.",
  "Longer than maximum length {max}.": "Trop long : la longueur maximale est de {max}.",
  "Length must be between {min} and {max}.": "La longueur doit être comprise entre {min} et {max}.",
  "Length must be {equal}.": "La longueur doit être de {equal}.",
  "Must be equal to {other}.": "Doit être égal à {other}.",
  "String does not match expected pattern.": "Le texte n’a pas le format attendu.",
  "One or more of the choices you made was not in: {choices}.":
    "Un ou plusieurs de vos choix ne figurent pas parmi : {choices}.",
  "One or more of the choices you made was in: {values}.":
    "Un ou plusieurs de vos choix figurent parmi les valeurs exclues : {values}.",
  "Invalid JSON body.": "Le corps de la requête n’est pas du JSON valide.",  // webargs

  // --- problem titles: the gateway's, and werkzeug's names for the other HTTP errors -----
  "Invalid input": "Saisie non valide",
  "Validation failed": "Échec de la validation",
  "Unprocessable Entity": "Requête impossible à traiter",
  "Unprocessable Content": "Requête impossible à traiter",
  "Not found": "Introuvable",
  "Not Found": "Introuvable",
  "Forbidden": "Accès refusé",
  "Unauthorized": "Connexion requise",
  "Conflict": "Conflit",
  "Precondition failed": "Modifié entre-temps",
  "Precondition Failed": "Condition préalable non remplie",
  "Precondition Required": "Condition préalable requise",
  "Transition not allowed": "Changement d’état impossible",
  "Gone": "N’existe plus",
  "Bad request": "Requête incorrecte",
  "Bad Request": "Requête incorrecte",
  "Method Not Allowed": "Méthode non autorisée",
  "Not Acceptable": "Format de réponse non disponible",
  "Request Timeout": "Délai de la requête dépassé",
  "Payload too large": "Contenu trop volumineux",
  "Request Entity Too Large": "Contenu trop volumineux",
  "Content Too Large": "Contenu trop volumineux",
  "Unsupported media type": "Type de contenu non pris en charge",
  "Unsupported Media Type": "Type de contenu non pris en charge",
  "Too many requests": "Trop de requêtes",
  "Too Many Requests": "Trop de requêtes",
  "Too many attempts": "Trop de tentatives",
  "Internal error": "Erreur interne",
  "Internal Server Error": "Erreur interne du serveur",
  "Service error": "Erreur d’un service",
  "Bad Gateway": "Erreur d’un service",
  "Service unavailable": "Service indisponible",
  "Service Unavailable": "Service indisponible",
  "Gateway Timeout": "Un service n’a pas répondu à temps",
  "Network error": "Erreur réseau",
  "Token expired": "Session expirée",
  "Invalid token": "Jeton non valide",
  "Unknown user": "Utilisateur inconnu",
  "Invalid credentials": "Identifiants incorrects",
  "CSRF check failed": "Échec du contrôle CSRF",
  "Invalid API key": "Clé d’API non valide",
  "Invalid link": "Lien non valide",
  "Link used": "Lien déjà utilisé",
  "Link expired": "Lien expiré",
  "Invalid survey link": "Lien d’enquête non valide",
  "Survey expired": "Enquête expirée",
  "Survey answered": "Enquête déjà remplie",
  "Idempotency key reused": "Clé d’idempotence réutilisée",

  // --- problem details: the gateway's -----------------------------------------------------
  "the input is not valid": "la saisie n’est pas valide",
  "the body is not valid JSON": "le corps de la requête n’est pas du JSON valide",
  "the request body is too large": "la requête est trop volumineuse",
  "something went wrong on our side; it was logged": "un problème est survenu de notre côté ; il a été consigné",
  "the server could not be reached": "le serveur est injoignable",
  "the {service} service failed to answer this request": "le service {service} n’a pas pu répondre à cette demande",
  "the {service} service is not reachable": "le service {service} est injoignable",
  "the {service} service did not answer in {n}s": "le service {service} n’a pas répondu en {n} s",
  "sign in again": "reconnectez-vous",
  "sign in, or send a bearer token or an API key": "connectez-vous, ou envoyez un jeton d’accès ou une clé d’API",
  "the token is not one this CRM issued": "ce jeton n’a pas été émis par ce CRM",
  "the account behind this token is disabled": "le compte lié à ce jeton est désactivé",
  "the email or the password is wrong": "l’e-mail ou le mot de passe est incorrect",
  "too many failed sign-ins; wait and retry": "trop d’échecs de connexion ; patientez puis réessayez",
  "send the {header} header with the value of the {cookie} cookie":
    "envoyez l’en-tête {header} avec la valeur du cookie {cookie}",
  "the key is malformed": "la clé est mal formée",
  "the key is unknown or revoked": "la clé est inconnue ou révoquée",
  "this needs the {permission} permission": "il faut la permission {permission}",
  "a sales rep sees only their own figures": "un commercial ne voit que ses propres chiffres",
  "the {role} dashboard is not one of your role's": "le tableau de bord {role} n’est pas celui de votre rôle",
  "no report named {name}": "aucun rapport nommé {name}",
  "no dashboard for {role}": "aucun tableau de bord pour {role}",
  "a calendar feed belongs to a user: sign in as one":
    "un flux d’agenda appartient à un utilisateur : connectez-vous en tant qu’utilisateur",
  "this calendar address is not one this CRM issued": "cette adresse d’agenda n’a pas été émise par ce CRM",
  "the account behind this calendar is disabled": "le compte lié à cet agenda est désactivé",
  "a user with this email exists": "un utilisateur avec cet e-mail existe déjà",
  "the user changed since you read it": "l’utilisateur a été modifié entre-temps",
  "the view changed since you read it": "la vue a été modifiée entre-temps",
  "you have a saved view of this name already": "vous avez déjà une vue enregistrée de ce nom",
  "at most {n} saved views per list": "au plus {n} vues enregistrées par liste",
  "API keys have no user": "une clé d’API n’a pas d’utilisateur",
  "this link is not one this CRM sent": "ce lien n’a pas été envoyé par ce CRM",
  "this sign-in link is not one this CRM sent": "ce lien de connexion n’a pas été envoyé par ce CRM",
  "this sign-in link was used already: ask for a new one": "ce lien de connexion a déjà servi : demandez-en un nouveau",
  "this sign-in link has expired: ask for a new one": "ce lien de connexion a expiré : demandez-en un nouveau",
  "the portal is for contacts signed in with a link": "le portail est réservé aux contacts connectés par un lien",
  "this survey link is not one this CRM sent": "ce lien d’enquête n’a pas été envoyé par ce CRM",
  "this survey link has expired": "ce lien d’enquête a expiré",
  "this survey has been answered already": "cette enquête a déjà été remplie",
  "send the file in the multipart field `file`": "envoyez le fichier dans le champ `file`",
  "the file is empty": "le fichier est vide",
  "a request with this Idempotency-Key is in progress": "une requête avec cette Idempotency-Key est en cours",
  "this Idempotency-Key was used for a different request": "cette Idempotency-Key a servi pour une autre requête",
  "too many submissions: try again later": "trop d’envois : réessayez plus tard",

  // --- per-field messages: the gateway's ---------------------------------------------------
  "already taken": "déjà utilisé",
  "missing": "manquant",
  "empty": "vide",
  "not valid JSON": "pas du JSON valide",
  "a JSON object of column header -> field name": "un objet JSON qui associe chaque en-tête de colonne à un nom de champ",
  "not a cursor from this list": "pas un curseur de cette liste",
  "not a cursor of this list": "pas un curseur de cette liste",
  "too many saved views: delete one first": "trop de vues enregistrées : supprimez-en une d’abord",
  "not a parameter of the {list} list": "pas un paramètre de la liste {list}",
  "contact or account": "contact ou compte",
  "at least {n} characters": "au moins {n} caractères",
  "at least {n}": "au moins {n}",
  "at most {n}": "au plus {n}",
  "more than {n}": "supérieur à {n}",
  "more than zero": "supérieur à zéro",
  "between {min} and {max}": "entre {min} et {max}",
  "one of: {choices}": "l’une des valeurs : {choices}",
  "one of {choices}": "l’une des valeurs : {choices}",
  "one of {choices}, with - for descending": "l’une des valeurs : {choices}, précédée de - pour l’ordre décroissant",
  "a finite number": "un nombre fini",
  "a decimal string, e.g. \"1250.00\"": "un montant décimal, par exemple \"1250.00\"",
  "a decimal string, e.g. \"1250.00\", not a number": "un montant décimal écrit comme un texte, par exemple \"1250.00\", pas un nombre",
  "an ISO 4217 currency code, e.g. EUR": "un code de devise ISO 4217, par exemple EUR",
  "an ISO 3166 two-letter country code, e.g. FR": "un code pays ISO 3166 à deux lettres, par exemple FR",
  "lower-case letters, digits and _, from a letter": "des minuscules, des chiffres et _, en commençant par une lettre",
  "an IANA time zone, e.g. Europe/Paris": "un fuseau horaire IANA, par exemple Europe/Paris",
  "not less than first_response_minutes": "pas moins que first_response_minutes",

  // --- the services: records and lists ------------------------------------------------------
  "no {record} {id}": "{record} {id} introuvable",
  "the record was changed by someone else: read it again":
    "l’enregistrement a été modifié par quelqu’un d’autre : rechargez-le",
  "{record} {id} is at version {version}, not {expected}: read it again":
    "{record} {id} est à la version {version}, et non {expected} : rechargez-le",
  "the body must be a JSON object": "le corps de la requête doit être un objet JSON",
  "the body must be an object": "le corps de la requête doit être un objet",
  "not an object": "pas un objet",
  "bad cursor": "curseur incorrect",
  "bad filter": "filtre incorrect",
  "unknown filter": "filtre inconnu",
  "not a filter": "pas un filtre",
  "unknown sort": "tri inconnu",
  "bad sort": "tri incorrect",
  "an ISO 8601 time": "une date et heure ISO 8601",
  "a date, YYYY-MM-DD": "une date, au format AAAA-MM-JJ",
  "true or false": "vrai ou faux",

  // --- contacts, accounts, custom fields, merges ---------------------------------------------
  "the contact is not valid": "le contact n’est pas valide",
  "the account is not valid": "le compte n’est pas valide",
  "a contact needs a name or an email": "un contact a besoin d’un nom ou d’un e-mail",
  "not a valid email address: it is empty": "adresse e-mail non valide : elle est vide",
  "not a valid email address: {reason}": "adresse e-mail non valide : {reason}",
  "not a valid phone number: it is empty": "numéro de téléphone non valide : il est vide",
  "not a valid phone number: {phone} has the wrong length":
    "numéro de téléphone non valide : {phone} n’a pas le bon nombre de chiffres",
  "not a valid phone number: {phone} is not an assigned range":
    "numéro de téléphone non valide : {phone} n’appartient à aucune plage attribuée",
  "not a valid phone number: {phone}": "numéro de téléphone non valide : {phone}",
  // email-validator's reasons, after "not a valid email address: "
  "An email address must have an @-sign.": "Une adresse e-mail doit contenir un @.",
  "There must be something before the @-sign.": "Il manque ce qui précède le @.",
  "There must be something after the @-sign.": "Il manque ce qui suit le @.",
  "The part after the @-sign is not valid. It should have a period.":
    "La partie après le @ n’est pas valide : elle doit contenir un point.",
  "An email address cannot have two periods in a row.": "Une adresse e-mail ne peut pas contenir deux points de suite.",
  "An email address cannot start with a period.": "Une adresse e-mail ne peut pas commencer par un point.",
  "An email address cannot end with a period.": "Une adresse e-mail ne peut pas finir par un point.",
  "An email address cannot have a period immediately before the @-sign.":
    "Une adresse e-mail ne peut pas avoir de point juste avant le @.",
  "An email address cannot have a hyphen immediately after the @-sign.":
    "Une adresse e-mail ne peut pas avoir de tiret juste après le @.",
  "The email address contains invalid characters before the @-sign: {chars}.":
    "L’adresse e-mail contient des caractères non valides avant le @ : {chars}.",
  "The part after the @-sign contains invalid characters: {chars}.":
    "La partie après le @ contient des caractères non valides : {chars}.",
  "the custom field definition is not valid": "la définition du champ personnalisé n’est pas valide",
  "custom fields are not valid": "les champs personnalisés ne sont pas valides",
  "a custom field {key} already exists on {object}": "un champ personnalisé {key} existe déjà pour les {object}",
  "required": "obligatoire",
  "unknown custom field": "champ personnalisé inconnu",
  "must be an object": "doit être un objet",
  "must start with a lower-case letter and hold only a-z, 0-9 and _ (64 at most)":
    "doit commencer par une lettre minuscule et ne contenir que a-z, 0-9 et _ (64 au plus)",
  "must be at most {n} characters": "doit faire au plus {n} caractères",
  "must be one of: {choices}": "doit être l’une des valeurs suivantes : {choices}",
  "must be true or false": "doit être vrai ou faux",
  "must be text": "doit être un texte",
  "must be a number": "doit être un nombre",
  "must be a finite number": "doit être un nombre fini",
  "must be a date as YYYY-MM-DD": "doit être une date au format AAAA-MM-JJ",
  "is not a real date": "n’est pas une date qui existe",
  "has an unknown type {type}": "a un type inconnu {type}",
  "must be a list of strings": "doit être une liste de textes",
  "only enum fields have options": "seuls les champs à choix ont des options",
  "an enum field needs at least one option": "un champ à choix a besoin d’au moins une option",
  "at most {n} options": "au plus {n} options",
  "options must be non-empty strings": "les options doivent être des textes non vides",
  "options must be at most {n} characters": "les options doivent faire au plus {n} caractères",
  "options must be unique": "les options doivent être toutes différentes",
  "a contact cannot be merged into itself": "un contact ne peut pas être fusionné avec lui-même",
  "the same contact": "le même contact",
  "nothing to merge": "rien à fusionner",
  "contact {id} was erased": "le contact {id} a été effacé",
  "the merge choices are not valid": "les choix de fusion ne sont pas valides",
  "unknown field": "champ inconnu",
  "tags are always combined: there is nothing to choose": "les étiquettes sont toujours réunies : il n’y a rien à choisir",
  "must be \"this\" or \"other\"": "doit être \"this\" ou \"other\"",

  // --- sales: deals, activities, quotes, pipelines --------------------------------------------
  "the opportunity belongs to someone else: a sales rep changes only their own":
    "l’affaire appartient à quelqu’un d’autre : un commercial ne modifie que les siennes",
  "the activity belongs to someone else: a sales rep changes only their own":
    "l’activité appartient à quelqu’un d’autre : un commercial ne modifie que les siennes",
  "a {dealStatus} opportunity cannot become {dealStatus2}": "une affaire {dealStatus} ne peut pas passer à l’état « {dealStatus2} »",
  "a {dealStatus} opportunity cannot change stage: reopen it first":
    "une affaire {dealStatus} ne peut pas changer d’étape : rouvrez-la d’abord",
  "the stage is not one of the pipeline's": "l’étape n’appartient pas au pipeline",
  "not a stage of the pipeline {name}": "pas une étape du pipeline {name}",
  "not a stage of this pipeline": "pas une étape de ce pipeline",
  "stages change by moving the deal": "l’étape change en déplaçant l’affaire",
  "stage names are distinct": "les noms d’étape doivent être tous différents",
  "unknown opportunity": "affaire inconnue",
  "too many decimals": "trop de décimales",
  "at most {n} decimals in {currency}": "au plus {n} décimales en {currency}",
  "the activity's times are not valid": "les horaires de l’activité ne sont pas valides",
  "a meeting has a start": "un rendez-vous a une heure de début",
  "a meeting has an end": "un rendez-vous a une heure de fin",
  "after the start": "après le début",
  "the activity is already completed": "l’activité est déjà terminée",
  "a line needs a product or a description": "une ligne a besoin d’un produit ou d’une description",
  "an empty quote cannot be sent": "un devis vide ne peut pas être envoyé",
  "add a line": "ajoutez une ligne",
  "the quote's lines are not valid": "les lignes du devis ne sont pas valides",
  "unknown price list": "liste de prix inconnue",
  "no price": "aucun prix",
  "give a unit price, or a product and the quote's price list":
    "indiquez un prix unitaire, ou un produit et la liste de prix du devis",
  "the price list has no {currency} price for {sku}": "la liste de prix n’a pas de prix en {currency} pour {sku}",
  "a {quoteStatus} quote cannot become {quoteStatus2}": "un devis {quoteStatus} ne peut pas passer à l’état « {quoteStatus2} »",
  "a {quoteStatus} quote cannot be edited: only a draft can":
    "un devis {quoteStatus} ne peut plus être modifié : seul un brouillon peut l’être",
  "a {quoteStatus} quote is kept: only a draft can be deleted":
    "un devis {quoteStatus} est conservé : seul un brouillon peut être supprimé",
  "the quote expired on {date}: send a new one": "le devis a expiré le {date} : envoyez-en un nouveau",
  "one pipeline is always the default: make another one the default":
    "un pipeline est toujours celui par défaut : choisissez-en un autre par défaut",
  "the default pipeline cannot be deleted: make another one the default":
    "le pipeline par défaut ne peut pas être supprimé : choisissez-en un autre par défaut",
  "the pipeline has {n} open opportunities: move them first":
    "le pipeline a {n} affaires en cours : déplacez-les d’abord",
  "{n} opportunities are in the stages left out: move them first":
    "{n} affaires sont dans les étapes retirées : déplacez-les d’abord",
  "no pipeline: create one first": "aucun pipeline : créez-en un d’abord",
  "the sku {sku} is taken": "la référence {sku} est déjà utilisée",

  // --- support: tickets ----------------------------------------------------------------------
  "a {ticketStatus} ticket cannot become {ticketStatus2} (allowed: {allowed})":
    "un ticket {ticketStatus} ne peut pas passer à l’état « {ticketStatus2} » (possibles : {allowed})",
  "this ticket is closed: open a new one": "ce ticket est fermé : ouvrez-en un nouveau",
  "no such team": "équipe inconnue",
  "no such category": "catégorie inconnue",
  "the default team cannot be deleted": "l’équipe par défaut ne peut pas être supprimée",
  "assignment rules send tickets to this team: change them first":
    "des règles d’affectation envoient des tickets à cette équipe : modifiez-les d’abord",
  "the first response cannot be due after the resolution":
    "la première réponse ne peut pas être attendue après la résolution",
  "at most resolution_minutes": "au plus resolution_minutes",
  "a category named {name} exists already": "une catégorie nommée {name} existe déjà",

  // --- marketing: segments, templates, campaigns ------------------------------------------------
  "a dynamic segment needs rules": "un segment dynamique a besoin de règles",
  "required for a dynamic segment": "obligatoire pour un segment dynamique",
  "a static segment has no rules": "un segment statique n’a pas de règles",
  "a static segment is a list": "un segment statique est une liste",
  "a static segment is a list: add members instead": "un segment statique est une liste : ajoutez-y plutôt des membres",
  "a dynamic segment's members follow its rules": "les membres d’un segment dynamique suivent ses règles",
  "a campaign that is not finished uses this segment": "une campagne non terminée utilise ce segment",
  "the segment's rules are not valid": "les règles du segment ne sont pas valides",
  "unknown contacts": "contacts inconnus",
  "unknown field {name}": "champ inconnu {name}",
  "unknown key(s): {keys}": "clé(s) inconnue(s) : {keys}",
  "one of: all, any": "all ou any",
  "{name} takes one of: {choices}": "{name} accepte l’une des valeurs : {choices}",
  "a non-empty list of conditions": "une liste de conditions non vide",
  "groups nest at most {n} deep": "les groupes s’imbriquent sur {n} niveaux au plus",
  "a non-empty list of at most {n} values": "une liste non vide d’au plus {n} valeurs",
  "a number": "un nombre",
  "a text or a number": "un texte ou un nombre",
  "at most {n} characters": "au plus {n} caractères",
  "{op} takes no value": "{op} ne prend pas de valeur",
  "at most {n} conditions": "au plus {n} conditions",
  "the template does not render": "le modèle ne peut pas être produit",
  "the template does not render for this contact": "le modèle ne peut pas être produit pour ce contact",
  "a scheduled or sending campaign uses this template": "une campagne programmée ou en cours d’envoi utilise ce modèle",
  "line {n}: unknown variable {name} (known: {known})": "ligne {n} : variable inconnue {name} (connues : {known})",
  "line {n}: {variable} has no field {name} (known: {known})": "ligne {n} : {variable} n’a pas de champ {name} (connus : {known})",
  "line {n}: {reason}": "ligne {n} : {reason}",
  "not allowed: {reason}": "interdit : {reason}",
  "unknown value: {reason}": "valeur inconnue : {reason}",
  "does not render: {reason}": "ne peut pas être produit : {reason}",
  "the campaign refers to what does not exist": "la campagne fait référence à ce qui n’existe pas",
  "the cost exceeds the budget": "le coût dépasse le budget",
  "{cost} is over the budget of {budget}": "{cost} dépasse le budget de {budget}",
  "the time has passed": "l’heure est passée",
  "must be in the future": "doit être dans le futur",
  "nobody to send to": "personne à qui envoyer",
  "no member of segment {name} has granted email consent":
    "aucun membre du segment {name} n’a donné son accord pour recevoir des e-mails",
  "no member of segment {name} has granted email consent ({n} without it)":
    "aucun membre du segment {name} n’a donné son accord pour recevoir des e-mails ({n} sans accord)",
  "a {campaignStatus} campaign cannot be sent": "une campagne {campaignStatus} ne peut pas être envoyée",
  "a {campaignStatus} campaign cannot be scheduled": "une campagne {campaignStatus} ne peut pas être programmée",
  "a {campaignStatus} campaign cannot be cancelled": "une campagne {campaignStatus} ne peut pas être annulée",
  "a {campaignStatus} campaign keeps its segment, template, sender and currency":
    "une campagne {campaignStatus} garde son segment, son modèle, son expéditeur et sa devise",
};

type Template = { pattern: RegExp; names: string[]; french: string; fixed: number };

const PLACEHOLDER = /\{(\w+)\}/g;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const kindOf = (name: string) => name.replace(/\d+$/, "");

function partPattern(name: string): string {
  const words = WORDS[kindOf(name)];
  if (words) return Object.keys(words).map(escape).join("|");
  return NUMBERS.has(name) ? NUMBER : ".+?";
}

// A message without placeholders is a plain lookup; the others become anchored patterns,
// the most specific first (the most fixed text), so that "Must be greater than or equal
// to {min}." is tried before "Must be greater than {min}.".
const EXACT = new Map<string, string>();
const TEMPLATES: Template[] = [];
for (const [english, french] of Object.entries(FRENCH)) {
  const names = [...english.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
  if (!names.length) {
    EXACT.set(english, french);
    continue;
  }
  const source = english.split(PLACEHOLDER)
    .map((piece, index) => (index % 2 ? `(${partPattern(piece)})` : escape(piece))).join("");
  TEMPLATES.push({ pattern: new RegExp(`^${source}$`), names, french, fixed: english.replace(PLACEHOLDER, "").length });
}
TEMPLATES.sort((a, b) => b.fixed - a.fixed);

function toFrench(message: string): string {
  const exact = EXACT.get(message);
  if (exact !== undefined) return exact;
  for (const { pattern, names, french } of TEMPLATES) {
    const match = pattern.exec(message);
    if (!match) continue;
    const values = new Map(names.map((name, index) => [name, match[index + 1] ?? ""]));
    return french.replace(PLACEHOLDER, (_, name: string) => {
      const value = values.get(name) ?? "";
      return name === NESTED ? toFrench(value) : WORDS[kindOf(name)]?.[value] ?? value;
    });
  }
  return message;
}

const isFrench = (language: string | undefined) => Boolean(language?.toLowerCase().startsWith("fr"));

/** An API message in the user's language (i18next's current one unless given); unknown
 * messages, and every message in English, come back unchanged. */
export function translateApiMessage(message: string, language: string | undefined = i18next.language): string {
  return isFrench(language) ? toFrench(message) : message;
}

/** "Title: detail" as the language writes it (French puts a space before the colon). */
export function joinTitleDetail(title: string, detail: string | undefined,
  language: string | undefined = i18next.language): string {
  if (!detail) return title;
  return isFrench(language) ? `${title} : ${detail}` : `${title}: ${detail}`;
}

/** Every field's messages translated; the field names stay the API's. */
export function translateFieldErrors(errors: Record<string, string[]>,
  language: string | undefined = i18next.language): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors)
    .map(([field, messages]) => [field, messages.map((message) => translateApiMessage(message, language))]));
}

/** The catalogue's English messages, for the tests. */
export const apiMessageCatalogue: Readonly<Record<string, string>> = FRENCH;
