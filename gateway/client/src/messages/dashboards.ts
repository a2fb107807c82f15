// The dashboards' texts: their route adds them (addMessages) when its chunk loads.

const en = {
  dash: {
    title: "Dashboards", heading: "Dashboards: {{name}}", dashboard: "Dashboard", owner: "Whose figures", team: "The whole team", period: "Period", day: "Day in the period",
    none: "No dashboard is open to your role.",
    names: { sales_rep: "My sales", sales_manager: "Sales team", marketer: "Marketing", support_manager: "Support", executive: "Executive" },
    periods: { day: "Day", week: "Week", month: "Month", quarter: "Quarter", year: "Year",
      last_7_days: "Last 7 days", last_30_days: "Last 30 days", last_90_days: "Last 90 days", last_365_days: "Last 365 days" },
    range: "{{from}} – {{to}}", previousRange: "compared with {{from}} – {{to}}",
    previous: "Previous period: {{value}}", change: "{{sign}}{{percent}} % on the previous period",
    noChange: "unchanged", up: "up", down: "down", better: "better", worse: "worse",
    units: { days: "d", hours: "h" },
    charts: "Charts", chartTitle: "{{group}}: this period and the previous one",
    chartLoading: "Loading the charts…", chartFailed: "The charts could not be drawn.",
    current: "This period", before: "Previous period",
    groups: { count: "Counts", percent: "Rates (%)", duration: "Durations", rating: "Ratings", money: "Money ({{currency}})" },
    exports: "Export as CSV", exportDashboard: "These figures", exportReport: "Report: {{name}}",
    exportsHelp: "Each file covers the period chosen above.",
    kpis: {
      new_pipeline: "New pipeline", new_deals: "New deals", won_amount: "Won", won_deals: "Deals won",
      win_rate: "Win rate", forecast: "Weighted forecast", activities: "Activities logged",
      sales_cycle_days: "Sales cycle", lead_conversion: "Lead to customer", leads: "New leads",
      campaign_deals: "Deals from campaigns", campaign_revenue: "Revenue from campaigns", mails_sent: "Mails sent",
      tickets: "New tickets", first_response_hours: "First response", resolution_hours: "Resolution",
      sla_compliance: "SLA compliance", csat: "CSAT", backlog: "Open tickets", order_revenue: "Ordered",
      new_customers: "New customers",
    },
    reports: {
      pipeline: "Pipeline", forecast: "Forecast", "win-rate": "Win rate", conversion: "Stage conversion",
      "time-in-stage": "Time in stage", activities: "Activities", tickets: "Tickets", sla: "SLA",
      backlog: "Backlog", csat: "CSAT", customers: "Customers", adoption: "Adoption", campaigns: "Campaigns",
      "lead-scores": "Lead scores",
    },
  },
};

const fr: typeof en = {
  dash: {
    title: "Tableaux de bord", heading: "Tableaux de bord : {{name}}", dashboard: "Tableau de bord", owner: "Chiffres de", team: "Toute l’équipe", period: "Période", day: "Jour dans la période",
    none: "Aucun tableau de bord n’est ouvert à votre rôle.",
    names: { sales_rep: "Mes ventes", sales_manager: "Équipe commerciale", marketer: "Marketing", support_manager: "Support", executive: "Direction" },
    periods: { day: "Jour", week: "Semaine", month: "Mois", quarter: "Trimestre", year: "Année",
      last_7_days: "7 derniers jours", last_30_days: "30 derniers jours", last_90_days: "90 derniers jours", last_365_days: "365 derniers jours" },
    range: "{{from}} – {{to}}", previousRange: "comparé à {{from}} – {{to}}",
    previous: "Période précédente : {{value}}", change: "{{sign}}{{percent}} % sur la période précédente",
    noChange: "inchangé", up: "en hausse", down: "en baisse", better: "mieux", worse: "moins bien",
    units: { days: "j", hours: "h" },
    charts: "Graphiques", chartTitle: "{{group}} : cette période et la précédente",
    chartLoading: "Chargement des graphiques…", chartFailed: "Les graphiques n’ont pas pu être dessinés.",
    current: "Cette période", before: "Période précédente",
    groups: { count: "Nombres", percent: "Taux (%)", duration: "Durées", rating: "Notes", money: "Montants ({{currency}})" },
    exports: "Exporter en CSV", exportDashboard: "Ces chiffres", exportReport: "Rapport : {{name}}",
    exportsHelp: "Chaque fichier couvre la période choisie ci-dessus.",
    kpis: {
      new_pipeline: "Nouveau pipeline", new_deals: "Nouvelles affaires", won_amount: "Gagné", won_deals: "Affaires gagnées",
      win_rate: "Taux de réussite", forecast: "Prévision pondérée", activities: "Activités saisies",
      sales_cycle_days: "Cycle de vente", lead_conversion: "Piste vers client", leads: "Nouvelles pistes",
      campaign_deals: "Affaires issues des campagnes", campaign_revenue: "Chiffre issu des campagnes", mails_sent: "E-mails envoyés",
      tickets: "Nouveaux tickets", first_response_hours: "Première réponse", resolution_hours: "Résolution",
      sla_compliance: "Respect des SLA", csat: "Satisfaction (CSAT)", backlog: "Tickets ouverts", order_revenue: "Commandé",
      new_customers: "Nouveaux clients",
    },
    reports: {
      pipeline: "Pipeline", forecast: "Prévision", "win-rate": "Taux de réussite", conversion: "Conversion par étape",
      "time-in-stage": "Temps par étape", activities: "Activités", tickets: "Tickets", sla: "SLA",
      backlog: "Tickets en attente", csat: "Satisfaction", customers: "Clients", adoption: "Adoption", campaigns: "Campagnes",
      "lead-scores": "Scores des pistes",
    },
  },
};

export const dashboardMessages = { en, fr };
