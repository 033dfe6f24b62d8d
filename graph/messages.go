package graph

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// dutch is a message of gqlparser or gqlgen and the Dutch that replaces it;
// $1, $2, … are the pattern's groups.
type dutch struct {
	english *regexp.Regexp
	nl      string
}

// messages holds the errors a user of the API can meet in a query or its
// variables, in gqlparser's words. Each message that none of them matches
// gets the Dutch sentence of its kind (see translate).
var messages = []dutch{
	// Syntax.
	{regexp.MustCompile(`^Expected (.+), found (.+)$`), "syntaxfout: verwacht $1, gevonden $2"},
	{regexp.MustCompile(`^Unexpected (.+)$`), "syntaxfout: onverwacht $1"},
	{regexp.MustCompile(`^Unterminated string\.?$`), "syntaxfout: een string is niet afgesloten"},
	{regexp.MustCompile(`^expected at least one definition`), "het document bevat geen operatie (query of mutation)"},
	// The query against the schema.
	{regexp.MustCompile(`^Cannot query field "(\w+)" on type "(\w+)"\. Did you mean (.+)\?$`), `het veld "$1" bestaat niet op het type "$2"; bedoelt u $3?`},
	{regexp.MustCompile(`^Cannot query field "(\w+)" on type "(\w+)"\.`), `het veld "$1" bestaat niet op het type "$2"`},
	{regexp.MustCompile(`^Unknown argument "(\w+)" on field "([\w.]+)"\. Did you mean (.+)\?$`), `het argument "$1" bestaat niet op het veld "$2"; bedoelt u $3?`},
	{regexp.MustCompile(`^Unknown argument "(\w+)" on field "([\w.]+)"\.`), `het argument "$1" bestaat niet op het veld "$2"`},
	{regexp.MustCompile(`^Field "(\w+)" argument "(\w+)" of type "(.+)" is required, but it was not provided\.$`), `het veld "$1" vraagt het argument "$2" (type $3)`},
	{regexp.MustCompile(`^Field "(\w+)" of type "(.+)" must have a selection of subfields\.`), `het veld "$1" (type $2) vraagt subvelden, bv. $1 { id }`},
	{regexp.MustCompile(`^Field "(\w+)" must not have a selection since type "(.+)" has no subfields\.$`), `het veld "$1" (type $2) heeft geen subvelden`},
	{regexp.MustCompile(`^Fields "(\w+)" conflict because`), `de velden "$1" botsen (andere argumenten of velden onder één naam); geef ze elk een eigen alias`},
	{regexp.MustCompile(`^Unknown type "(\w+)"\.`), `het type "$1" bestaat niet`},
	{regexp.MustCompile(`^Unknown fragment "(\w+)"\.$`), `het fragment "$1" bestaat niet`},
	{regexp.MustCompile(`^Fragment "(\w+)" is never used\.$`), `het fragment "$1" wordt nergens gebruikt`},
	{regexp.MustCompile(`^Cannot spread fragment "(\w+)" within itself`), `het fragment "$1" verwijst naar zichzelf`},
	{regexp.MustCompile(`^Unknown directive "@(\w+)"\.$`), `de directive "@$1" bestaat niet`},
	{regexp.MustCompile(`^This anonymous operation must be the only defined operation\.$`), "een operatie zonder naam moet de enige in het document zijn"},
	{regexp.MustCompile(`^There can be only one argument named "(.+)"\.$`), `het argument "$1" staat er meer dan eens`},
	{regexp.MustCompile(`^There can be only one input field named "(.+)"\.$`), `het invoerveld "$1" staat er meer dan eens`},
	{regexp.MustCompile(`^There can be only one fragment named "(.+)"\.$`), `er zijn meer fragmenten met de naam "$1"`},
	{regexp.MustCompile(`^There can be only one operation named "(.+)"\.$`), `er zijn meer operaties met de naam "$1"`},
	{regexp.MustCompile(`^There can be only one variable named "\$?(.+)"\.$`), `de variabele $$$1 staat er meer dan eens`},
	{regexp.MustCompile(`^The directive "@(\w+)" can only be used once at this location\.$`), `de directive "@$1" mag hier maar één keer staan`},
	{regexp.MustCompile(`^Schema does not support operation type "(\w+)"`), `het schema kent geen $1`},
	{regexp.MustCompile(`^Maximum introspection depth exceeded$`), "de introspectie-query is te diep genest"},
	// Variables and values.
	{regexp.MustCompile(`^Variable "\$?(\w+)" of required type "(.+)" was not provided\.$`), `de variabele $$$1 (type $2) ontbreekt`},
	{regexp.MustCompile(`^Variable "\$?(\w+)" is never used`), `de variabele $$$1 wordt niet gebruikt`},
	{regexp.MustCompile(`^Variable "\$?(\w+)" is not defined`), `de variabele $$$1 is niet gedeclareerd`},
	{regexp.MustCompile(`^Variable "\$?(\w+)" of type "(.+)" used in position expecting type "(.+)"\.$`), `de variabele $$$1 (type $2) staat waar type $3 verwacht wordt`},
	{regexp.MustCompile(`^(Int|Float|String|Boolean|ID) cannot represent .*?value: (.+)$`), "$2 is geen geldige waarde voor $1"},
	{regexp.MustCompile(`^Expected value of type "(.+)", found (.+)\.$`), "verwacht een waarde van type $1, gevonden $2"},
	{regexp.MustCompile(`^Value "(.+)" does not exist in "(\w+)" enum`), `"$1" is geen waarde van $2`},
	{regexp.MustCompile(`^Field "(\w+)" is not defined by type "(\w+)"`), `het veld "$1" bestaat niet in $2`},
	{regexp.MustCompile(`^must be defined$`), "ontbreekt"},
	{regexp.MustCompile(`^cannot be null$`), "mag niet null zijn"},
	{regexp.MustCompile(`^unknown field$`), "is geen bekend veld"},
	{regexp.MustCompile(`^cannot use (\w+) as (\w+)$`), "een $1 kan geen $2 zijn"},
	{regexp.MustCompile(`^(.+) is not a valid (\w+)$`), "$1 is geen geldige $2"},
	{regexp.MustCompile(`^must be a (\w+), not a (\w+)$`), "moet een $1 zijn, geen $2"},
	// gqlgen.
	{regexp.MustCompile(`^no operation provided$`), "het document bevat geen operatie (query of mutation)"},
	{regexp.MustCompile(`^operation (.*) not found$`), `de operatie "$1" staat niet in het document`},
}

// translate gives a gqlparser or gqlgen error (of the reason given) a
// Dutch message; the English one stays as extensions.detail, and the code,
// the locations and the path stay as they are.
func translate(e *gqlerror.Error, reason string) {
	english := e.Message
	nl := ""
	for _, m := range messages {
		if idx := m.english.FindStringSubmatchIndex(english); idx != nil {
			nl = string(m.english.ExpandString(nil, m.nl, english, idx))
			break
		}
	}
	if nl == "" {
		switch reason {
		case "GRAPHQL_PARSE_FAILED":
			nl = "de query kon niet gelezen worden (syntaxfout)"
		default:
			nl = "de query past niet bij het schema"
		}
	}
	if len(e.Path) > 0 && e.Path[0] == ast.PathName("variable") {
		nl = "variabele $" + strings.TrimPrefix(variablePath(e.Path[1:]), ".") + ": " + nl
	}
	e.Extensions["detail"] = english
	e.Message = nl
}

// variablePath writes the path inside a variable as in.practices[0].title.
func variablePath(p ast.Path) string {
	var b strings.Builder
	for _, el := range p {
		switch v := el.(type) {
		case ast.PathIndex:
			b.WriteString("[" + strconv.Itoa(int(v)) + "]")
		case ast.PathName:
			b.WriteString("." + string(v))
		}
	}
	return b.String()
}
