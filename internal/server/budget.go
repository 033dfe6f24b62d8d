package server

import "fmt"

// VariableLimits bound the variables of one operation before they are
// decoded into Go values: a few megabytes of JSON made of tiny objects or
// long lists would otherwise become gigabytes of maps and interfaces.
type VariableLimits struct {
	Bytes   int // the JSON text of all variables together
	Depth   int // nesting of objects and arrays
	List    int // items in one array
	Objects int // objects in all
	Values  int // members and items in all (every value but the outer object)
}

// DefaultReadVariables are the variables a query may send: filters and
// paging, never bulk data.
func DefaultReadVariables() VariableLimits {
	return VariableLimits{Bytes: 256 << 10, Depth: 8, List: 1000, Objects: 1000, Values: 20000}
}

// DefaultWriteVariables are the variables a mutation may send: an inventory
// of at most 5,000 practices (a practice, its contact and its period are
// three objects; its lists hold at most 30 items each).
func DefaultWriteVariables() VariableLimits {
	return VariableLimits{Bytes: 8 << 20, Depth: 10, List: 5000, Objects: 20000, Values: 500000}
}

// overVariableLimit measures the JSON text raw without decoding it (or
// validating it: what is not JSON fails when it is decoded), and says which limit it passes and what the limit is,
// or "". It stops at the first limit passed; it allocates only its stack,
// bounded by l.Depth.
func (l VariableLimits) overVariableLimit(raw []byte) (string, int) {
	if len(raw) > l.Bytes {
		return fmt.Sprintf("de variabelen zijn groter dan %d bytes", l.Bytes), l.Bytes
	}
	type open struct {
		array bool
		items int
	}
	stack := make([]open, 0, 8)
	objects, values := 0, 0
	inString, escaped, opened := false, false, false
	// item counts one more member or item of the innermost container.
	item := func() (string, int) {
		values++
		if values > l.Values {
			return fmt.Sprintf("de variabelen bevatten meer dan %d waarden", l.Values), l.Values
		}
		if top := &stack[len(stack)-1]; top.array {
			top.items++
			if top.items > l.List {
				return fmt.Sprintf("een lijst in de variabelen heeft meer dan %d elementen", l.List), l.List
			}
		}
		return "", 0
	}
	for _, c := range raw {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if opened {
			opened = false
			if c != '}' && c != ']' {
				if msg, limit := item(); msg != "" {
					return msg, limit
				}
			}
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if c == '{' {
				objects++
				if objects > l.Objects {
					return fmt.Sprintf("de variabelen bevatten meer dan %d objecten", l.Objects), l.Objects
				}
			}
			if len(stack) >= l.Depth {
				return fmt.Sprintf("de variabelen zijn dieper dan %d niveaus genest", l.Depth), l.Depth
			}
			stack = append(stack, open{array: c == '['})
			opened = true
		case '}', ']':
			if len(stack) == 0 { // not JSON: decoding it says so
				return "", 0
			}
			stack = stack[:len(stack)-1]
		case ',':
			if len(stack) > 0 {
				if msg, limit := item(); msg != "" {
					return msg, limit
				}
			}
		}
	}
	return "", 0
}
