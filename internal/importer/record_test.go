package importer_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/importer"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

func TestRecordColumnsSplitByRegion(t *testing.T) {
	csv := "regio;id;versie;aangemaakt;gewijzigd;ref;title;summary;krachtlijnen\n" +
		"limburg;pr_1;2;2024-01-01T00:00:00Z;2024-02-01T00:00:00Z;lim-1;Eerste praktijk;Een;NABIJHEID\n" +
		"antwerpen;pr_2;1;;;ant-1;Tweede praktijk;Twee;VERBINDEND\n" +
		";;;;;x-1;Derde praktijk;Drie;NABIJHEID\n" +
		"limburg;pr_3;1;;;lim-2;Vierde praktijk;Vier;NABIJHEID\n"
	res, probs := importer.ReadCSV(strings.NewReader(csv), importer.Meta{Title: "t"})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	parts := res.SplitByRegion()
	var got []string
	for _, p := range parts {
		var refs []string
		for _, pr := range p.Input.Practices {
			refs = append(refs, pr.Ref)
		}
		got = append(got, fmt.Sprintf("%s:%s:%v", p.Input.Region, strings.Join(refs, ","), p.Rows))
	}
	want := []string{"limburg:lim-1,lim-2:[2 5]", "antwerpen:ant-1:[3]", ":x-1:[4]"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("parts %q, want %q (a row without region keeps the one given beside the file)", got, want)
	}

	// Submitted for one region, the rows of another are refused by row.
	_, probs = importer.ReadCSV(strings.NewReader(csv), importer.Meta{Region: "limburg", Title: "t"})
	if len(probs) != 1 || probs[0].Code != practice.CodeRegionMismatch || probs[0].Path != "rij 3, kolom regio" {
		t.Errorf("problems %v, want one REGION_MISMATCH at rij 3", probs)
	}
}
