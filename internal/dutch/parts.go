package dutch

// BaseParts is the fixed base dictionary of Dutch word parts common in social
// work, used to split compounds ("buurt|werk", "armoede|bestrijding",
// "ervaring|s|deskundige"). Changing it changes the dictionary hash stored
// with the index, so an index built with another list is rebuilt on Open.
var BaseParts = []string{
	// people
	"mens", "mensen", "burger", "burgers", "kind", "kinderen", "kinder", "jongere", "jongeren", "jeugd",
	"tiener", "tieners", "ouder", "ouders", "ouderen", "senior", "senioren", "gezin", "gezinnen",
	"familie", "vrouw", "vrouwen", "meisje", "meisjes", "jongens", "student", "studenten", "leerling",
	"leerlingen", "vrijwilliger", "vrijwilligers", "mantelzorg", "mantel", "zorger", "zorgers",
	"nieuwkomer", "nieuwkomers", "vluchteling", "vluchtelingen", "migrant", "migranten", "asiel",
	"zoeker", "zoekers", "bewoner", "bewoners", "buur", "buren", "huurder", "huurders", "cliënt",
	"cliënten", "werker", "werkers", "hulpverlener", "deskundige", "deskundigen", "ervaring",
	"partner", "partners", "vriend", "vrienden", "maatje", "maatjes", "buddy", "coach", "mentor",
	"dakloos", "daklozen", "thuisloos", "thuislozen", "zieken", "patiënt", "patiënten", "gedetineerde",
	"gedetineerden", "sekswerker", "sekswerkers", "arbeider",
	// places
	"buurt", "buurten", "wijk", "wijken", "straat", "straten", "hoek", "plein", "park", "dorp", "stad",
	"gemeente", "gemeenten", "regio", "provincie", "huis", "huizen", "woning", "woningen", "school",
	"scholen", "klas", "centrum", "centra", "kantoor", "winkel", "restaurant", "pension", "tuin",
	"moestuin", "atelier", "ruimte", "plek", "plekken", "bibliotheek", "ziekenhuis", "gevangenis",
	"zone", "zones", "lijn", "eerste", "loket", "onthaal", "balie", "bureau", "markt", "kamer",
	"keuken", "café", "bank", "kruispunt", "kruidenier", "speelplein", "terrein", "campus",
	// work and care
	"werk", "werking", "werken", "zorg", "hulp", "verlening", "dienst", "diensten", "dienstverlening",
	"opvang", "begeleiding", "ondersteuning", "steun", "bemiddeling", "opbouw", "preventie", "vorming",
	"opleiding", "onderwijs", "cursus", "les", "lessen", "traject", "trajecten", "aanpak", "methodiek",
	"methode", "project", "netwerk", "netwerken", "team", "teams", "overleg", "casus", "spreekuur",
	"permanentie", "zitdag", "inloop", "huiswerk", "tewerkstelling", "arbeid", "stage", "coaching",
	"bezoek", "bezoeken", "gesprek", "gesprekken", "ontmoeting", "ontmoetingen", "signaal", "signalen",
	"dossier", "intake", "screening", "herstel", "behandeling", "therapie", "verslaving", "gezondheid",
	"welzijn", "psychisch", "geestelijke", "welvaart", "veiligheid",
	// rights and money
	"recht", "rechten", "rechtvaardigheid", "verkenning", "toekenning", "bescherming", "armoede",
	"bestrijding", "uitsluiting", "inclusie", "kans", "kansen", "schuld", "schulden", "budget", "geld",
	"inkomen", "loon", "leef", "uitkering", "toeslag", "premie", "tarief", "factuur", "facturen",
	"energie", "water", "voedsel", "pakket", "pakketten", "kleding", "meubel", "meubels", "huur",
	"wonen", "woon", "begeleid", "sociaal", "sociale", "maatschappelijk", "maatschappelijke",
	"beleid", "bestuur", "lokaal", "lokale", "vlaams", "vlaamse", "plan", "regeling", "regelgeving",
	"wet", "wetgeving", "justitie", "detentie", "jeugdhulp",
	// digital
	"digitaal", "digitale", "kloof", "computer", "computers", "internet", "laptop", "laptops",
	"smartphone", "tablet", "tablets", "online", "platform", "website", "data", "gegevens", "media",
	"wijsheid", "vaardigheid", "vaardigheden", "toegang", "toegankelijkheid",
	// themes
	"diversiteit", "divers", "racisme", "discriminatie", "migratie", "integratie", "inburgering",
	"polarisering", "taal", "talen", "cultuur", "culturen", "sport", "spel", "speel", "vrije", "tijd",
	"klimaat", "duurzaamheid", "duurzaam", "groen", "transitie", "mobiliteit", "vervoer", "fiets",
	"fietsen", "vertrouwen", "ethiek", "privacy", "beroep", "geheim", "samen", "samenwerking",
	"organisatie", "organisaties", "vorm", "vormen", "innovatie", "labo", "experiment", "kracht",
	"krachten", "gericht", "draag", "last", "participatie", "inspraak", "stem", "actie", "acties",
	"drempel", "drempels", "initiatief", "initiatieven", "eenzaamheid", "isolement", "opvoeding",
	"ondersteuner", "geweld", "conflict", "conflicten", "nabijheid", "verbinding", "brug", "figuur",
	"schakel", "vind", "plaats", "plaatsen", "crisis", "nood", "noden", "praktijk", "praktijken",
}
