package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// GenerateCorpus returns n realistic, varied Dutch practices, the same for
// the same seed: for benchmarks, load tests and demos. Ids, seqs (1..n) and
// times are set as the store would set them.
func GenerateCorpus(n int, seed int64) []practice.Practice {
	out := make([]practice.Practice, 0, n)
	GenerateEach(n, seed, func(p practice.Practice) { out = append(out, p) })
	return out
}

// GenerateEach calls fn with the practices GenerateCorpus(n, seed) returns,
// one at a time, without holding them all.
func GenerateEach(n int, seed int64, fn func(practice.Practice)) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed))
	pick := func(ss []string) string { return ss[r.IntN(len(ss))] }
	some := func(ss []string, lo, hi int) []string {
		k := lo + r.IntN(hi-lo+1)
		idx := r.Perm(len(ss))
		out := make([]string, 0, k)
		for _, i := range idx[:min(k, len(ss))] {
			out = append(out, ss[i])
		}
		return out
	}
	base := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		region := genRegions[r.IntN(len(genRegions))]
		munis := some(genMunicipalities[region], 1, 2)
		topic := genTopics[r.IntN(len(genTopics))]
		group := pick(genGroups)
		approach := pick(genApproaches)
		title := fmt.Sprintf("%s %s %s in %s", capitalize(approach), topic.what, pick([]string{"voor", "met", "samen met"})+" "+group, munis[0])
		challenges := []string{topic.challenge}
		if r.IntN(3) == 0 {
			challenges = append(challenges, pick(genChallengeIDs))
		}
		var actions []string
		for _, c := range challenges {
			if a, ok := genActions[c]; ok && r.IntN(4) != 0 {
				actions = append(actions, pick(a))
			}
		}
		sentences := make([]string, 0, 8)
		for _, s := range some(genSentences, 3, 6) {
			sentences = append(sentences, fill(s, topic.what, group, munis[0], pick(genPartners)))
		}
		start := 2005 + r.IntN(20)
		var end *int
		if r.IntN(4) == 0 {
			e := start + r.IntN(5)
			end = &e
		}
		updated := base.Add(time.Duration(r.IntN(5*365*24)) * time.Hour)
		ref := fmt.Sprintf("gen-%05d", i)
		p := practice.Practice{
			ID:      practice.ID(region, ref),
			Region:  region,
			Ref:     ref,
			Version: 1,
			Seq:     uint64(i + 1),
			Content: practice.Content{
				Title:          title,
				Summary:        fill(pick(genSummaries), topic.what, group, munis[0], pick(genPartners)),
				Description:    strings.Join(sentences, " "),
				Organisations:  []string{pick(genOrgs) + " " + munis[0]},
				Municipalities: munis,
				Krachtlijnen:   some(genKrachtlijnen, 1, 3),
				Challenges:     dedupe(challenges),
				Actions:        dedupe(actions),
				TargetGroups:   append([]string{group}, some(genGroups, 0, 2)...),
				Settings:       some(genSettings, 1, 2),
				SuccessFactors: some(genFactors, 1, 3),
				Pitfalls:       some(genPitfalls, 0, 2),
				Bottlenecks:    some(genBottlenecks, 0, 2),
				Functions:      some([]string{"WAARBORG", "LABORATORIUM", "SOCIAAL_POLITIEK"}, 1, 2),
				ImpactDomains:  some([]string{"PRAKTIJK", "BELEID", "SAMENLEVING", "OPLEIDING"}, 1, 2),
				StartYear:      &start,
				EndYear:        end,
				Language:       "nl",
			},
			CreatedAt: updated.Add(-time.Duration(r.IntN(365*24)) * time.Hour),
			UpdatedAt: updated,
		}
		p.TargetGroups = dedupe(p.TargetGroups)
		fn(p)
	}
}

func fill(s, what, group, place, partner string) string {
	return strings.NewReplacer("{wat}", what, "{groep}", group, "{plaats}", place, "{partner}", partner).Replace(s)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func dedupe(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

var (
	genRegions        = []string{"antwerpen", "limburg", "oost-vlaanderen", "vlaams-brabant", "west-vlaanderen", "brussel"}
	genMunicipalities = map[string][]string{
		"antwerpen":       {"Antwerpen", "Mechelen", "Turnhout", "Geel", "Mol", "Boom", "Lier", "Herentals", "Mortsel", "Heist-op-den-Berg"},
		"limburg":         {"Hasselt", "Genk", "Sint-Truiden", "Tongeren", "Beringen", "Lommel", "Maasmechelen", "Bilzen", "Houthalen-Helchteren"},
		"oost-vlaanderen": {"Gent", "Aalst", "Sint-Niklaas", "Dendermonde", "Oudenaarde", "Ronse", "Eeklo", "Lokeren", "Wetteren", "Zele"},
		"vlaams-brabant":  {"Leuven", "Vilvoorde", "Halle", "Tienen", "Aarschot", "Diest", "Zaventem", "Dilbeek", "Asse"},
		"west-vlaanderen": {"Brugge", "Kortrijk", "Oostende", "Roeselare", "Ieper", "Waregem", "Menen", "Tielt", "Poperinge"},
		"brussel":         {"Brussel", "Anderlecht", "Molenbeek", "Schaarbeek", "Sint-Gillis", "Vorst", "Laken", "Jette"},
	}
	genKrachtlijnen = []string{"NABIJHEID", "POLITISEREND", "PROCESMATIG", "GENERALISTISCH", "VERBINDEND"}
	genChallengeIDs = []string{"vermaatschappelijking", "digitalisering", "diversiteit", "duurzaamheid", "vertrouwen", "samenwerking", "hybridisering", "onderbescherming", "krachtlijnen", "draagvlak", "innovatie"}
	genActions      = map[string][]string{
		"vermaatschappelijking": {"vermaatschappelijking-1"},
		"digitalisering":        {"digitalisering-1", "digitalisering-2", "digitalisering-3"},
		"diversiteit":           {"diversiteit-1", "diversiteit-2"},
		"duurzaamheid":          {"duurzaamheid-1"},
		"vertrouwen":            {"vertrouwen-1"},
		"samenwerking":          {"samenwerking-1"},
		"hybridisering":         {"hybridisering-1"},
		"onderbescherming":      {"onderbescherming-1", "onderbescherming-2"},
		"krachtlijnen":          {"krachtlijnen-1"},
		"draagvlak":             {"draagvlak-1"},
		"innovatie":             {"innovatie-1"},
	}
	genTopics = []struct{ what, challenge string }{
		{"buurtwerk", "vermaatschappelijking"}, {"wijkteams", "vermaatschappelijking"}, {"mantelzorgondersteuning", "vermaatschappelijking"},
		{"zorgzame buurten", "vermaatschappelijking"}, {"digitale inclusie", "digitalisering"}, {"digipunten", "digitalisering"},
		{"onlinehulp via chat", "digitalisering"}, {"hulp bij e-loketten", "digitalisering"}, {"dialoog tegen polarisering", "diversiteit"},
		{"taalcafés", "diversiteit"}, {"begeleiding van nieuwkomers", "diversiteit"}, {"energiecoaching", "duurzaamheid"},
		{"gemeenschapstuinen", "duurzaamheid"}, {"deelfietsen", "duurzaamheid"}, {"ethische reflectie", "vertrouwen"},
		{"straathoekwerk", "vertrouwen"}, {"casusoverleg", "samenwerking"}, {"geïntegreerd breed onthaal", "samenwerking"},
		{"sociale restaurants", "hybridisering"}, {"sociale verhuurkantoren", "hybridisering"}, {"rechtenverkenning", "onderbescherming"},
		{"schuldhulpverlening", "onderbescherming"}, {"armoedebestrijding", "onderbescherming"}, {"voedselhulp", "onderbescherming"},
		{"publieksevenementen", "draagvlak"}, {"innovatielabo's", "innovatie"}, {"vorming over de krachtlijnen", "krachtlijnen"},
	}
	genGroups = []string{"jongeren", "kinderen", "ouderen", "gezinnen in armoede", "nieuwkomers", "daklozen", "mantelzorgers",
		"alleenstaande ouders", "huurders", "mensen met een beperking", "mensen met psychische problemen", "werkzoekenden",
		"studenten", "vrouwen", "landbouwers", "bewoners", "senioren", "jongvolwassenen"}
	genApproaches = []string{"laagdrempelig", "outreachend", "buurtgericht", "proactief", "vindplaatsgericht", "samen sterk:", "nabij", "integraal"}
	genSettings   = []string{"OCMW", "CAW", "buurthuis", "jeugdhuis", "school", "lokaal dienstencentrum", "bibliotheek", "wijkgezondheidscentrum", "straathoekwerk", "huisbezoek", "sociaal restaurant", "Huis van het Kind"}
	genPartners   = []string{"het OCMW", "het CAW", "de school", "het lokaal bestuur", "vrijwilligers", "huisartsen", "de mutualiteit", "het opbouwwerk", "het jeugdwerk", "de politie"}
	genOrgs       = []string{"CAW", "OCMW", "Samenlevingsopbouw", "Welzijnsschakel", "Buurtwerk", "Jeugdhuis", "Vzw De Brug", "Sociaal Huis"}
	genSummaries  = []string{
		"Een praktijk rond {wat} voor {groep} in {plaats}, samen met {partner}.",
		"Sociaal werkers zetten in op {wat} zodat {groep} sneller de juiste hulp vinden.",
		"In {plaats} bouwen we met {wat} aan nabijheid en vertrouwen bij {groep}.",
		"Met {wat} versterken we de rechten van {groep} en signaleren we knelpunten aan het beleid.",
	}
	genSentences = []string{
		"Het project startte toen {partner} merkte dat {groep} de weg naar de hulpverlening niet vonden.",
		"Sociaal werkers zijn wekelijks aanwezig in de wijk en leggen contact met {groep}.",
		"We werken samen met {partner} en bundelen de krachten in {plaats}.",
		"Bewoners nemen zelf initiatief en krijgen ondersteuning bij het uitwerken van hun ideeën.",
		"Signalen over drempels en onderbescherming worden verzameld en voorgelegd aan het lokaal bestuur.",
		"De aanpak vertrekt vanuit de krachtlijnen van Sterk Sociaal Werk: nabij, verbindend en procesmatig.",
		"Er is aandacht voor digitale vaardigheden, want veel diensten zijn enkel nog online bereikbaar.",
		"Vrijwilligers worden opgeleid en begeleid door een professionele coördinator.",
		"De evaluatie toont dat {groep} meer vertrouwen hebben in de dienstverlening.",
		"Armoede, schulden en slechte huisvesting komen vaak samen voor; daarom werken we generalistisch.",
		"Het team gebruikt {wat} als ingang om rechten uit te putten en mensen te versterken.",
		"Een vaste contactpersoon maakt het verschil voor {groep}.",
		"We delen onze werkwijze met andere gemeenten zodat de praktijk kan opschalen.",
		"De financiering is tijdelijk, wat de continuïteit onder druk zet.",
		"Ouders en kinderen ontmoeten elkaar in een ontspannen sfeer.",
		"Klimaat en duurzaamheid worden gekoppeld aan sociale rechtvaardigheid.",
		"Ervaringsdeskundigen denken mee over de aanpak en bewaken de toegankelijkheid.",
	}
	genFactors     = []string{"laagdrempelige toegang", "vaste gezichten", "samenwerking met partners", "tijd om vertrouwen op te bouwen", "betrokkenheid van bewoners", "ervaringsdeskundigheid", "aanwezigheid op vindplaatsen", "flexibele werkuren"}
	genPitfalls    = []string{"te veel administratie", "projectfinanciering", "overbelaste vrijwilligers", "verwachtingen van het beleid", "versnipperd aanbod", "weinig bereik bij de meest kwetsbaren"}
	genBottlenecks = []string{"wachtlijsten", "complexe regelgeving", "te weinig betaalbare woningen", "digitale drempels bij overheidsdiensten", "privacyregels bij gegevensdeling", "mobiliteit op het platteland"}
)
