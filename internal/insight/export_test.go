package insight

// GroupKey is the key under which a factor text is grouped; equivalent
// phrasings have the same key.
func GroupKey(text string) string { return analyse(text).key }
