// Package importertest makes the inventory files an attacker might upload
// (each built to cost the server as much as possible within the upload
// limit), for the tests and benchmarks of the readers and of the upload.
package importertest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Attack is one hostile file and the problem code a reader must answer it
// with.
type Attack struct {
	Name     string
	Filename string
	Body     []byte
	Code     string // the code of the problem that refuses it
}

// Attacks are the attack classes on uploads, at full size (each file within
// the 32 MB a reader accepts).
func Attacks() []Attack {
	return []Attack{
		{"csv 1.5M short rows", "rows.csv", CSVManyRows(1_500_000), "TOO_MANY"},
		{"csv header of 600,000 columns", "wide.csv", CSVWideHeader(600_000), "TOO_LONG"},
		{"csv header of 100,000 short columns", "wide2.csv", CSVWideHeader(100_000), "TOO_MANY"},
		{"csv one 30 MB line (unclosed quote)", "line.csv", CSVLongLine(30 << 20), "TOO_LONG"},
		{"csv 10M separator-only rows", "blank.csv", CSVBlankRows(10_000_000), "TOO_MANY"},
		{"csv 5,000 rows of problems", "problems.csv", CSVManyProblems(5000), "MORE_PROBLEMS"},
		{"xlsx unzipping to 300 MB", "big.xlsx", XLSXBigSheet(300 << 20), "INVALID_FILE"},
		{"xlsx 1M shared strings", "sst.xlsx", XLSXSharedStrings(1_000_000), "INVALID_FILE"},
		{"xlsx 200,000 rows", "rows.xlsx", XLSXManyRows(200_000), "TOO_MANY"},
		{"xlsx header of 16,384 columns", "wide.xlsx", XLSXWideHeader(16384), "TOO_MANY"},
		{"xlsx part lying about its size", "lie.xlsx", XLSXLyingSize(200 << 20), "INVALID_FILE"},
		{"xlsx a row at 1,048,576", "sparse.xlsx", XLSXSparse(), "TOO_MANY"},
		{"json 600,000 tiny practices", "many.json", JSONManyPractices(600_000), "TOO_MANY"},
		{"json a list of 2M items", "list.json", JSONLongList(2_000_000), "TOO_MANY"},
		{"json 1M unknown fields", "fields.json", JSONManyFields(1_000_000), "TOO_MANY"},
	}
}

// CSVManyRows is a CSV file of n short practices (each lacking a summary
// and krachtlijnen).
func CSVManyRows(n int) []byte {
	var b bytes.Buffer
	b.WriteString("ref;title\n")
	for i := range n {
		fmt.Fprintf(&b, "r%d;Titel\n", i)
	}
	return b.Bytes()
}

// CSVWideHeader is a CSV file whose header has n columns.
func CSVWideHeader(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprintf(&b, "k%d", i)
	}
	b.WriteString("\nr1;x\n")
	return b.Bytes()
}

// CSVLongLine is a CSV file with a quoted cell that never closes and runs
// for size bytes.
func CSVLongLine(size int) []byte {
	return append([]byte("ref;title\nr1;\""), bytes.Repeat([]byte("a"), size)...)
}

// CSVBlankRows is a header and n rows of separators only.
func CSVBlankRows(n int) []byte {
	return append([]byte("ref;title\n"), bytes.Repeat([]byte(";\n"), n)...)
}

// CSVManyProblems is n practices, each with several problems.
func CSVManyProblems(n int) []byte {
	var b bytes.Buffer
	b.WriteString("ref;title;summary;krachtlijnen;startYear;endYear\n")
	for i := range n {
		fmt.Fprintf(&b, "r %d;T;;ONBEKEND;ooit;nooit\n", i)
	}
	return b.Bytes()
}

// JSONManyPractices is an inventory of n empty practice objects.
func JSONManyPractices(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"region":"limburg","title":"x","practices":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("{}")
	}
	b.WriteString("]}")
	return b.Bytes()
}

// JSONLongList is one practice with a list of n items.
func JSONLongList(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"region":"limburg","title":"x","practices":[{"ref":"r1","settings":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"a"`)
	}
	b.WriteString("]}]}")
	return b.Bytes()
}

// JSONManyFields is one practice with n unknown fields.
func JSONManyFields(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"region":"limburg","title":"x","practices":[{"ref":"r1"`)
	for i := range n {
		fmt.Fprintf(&b, `,"f%d":1`, i)
	}
	b.WriteString("}]}")
	return b.Bytes()
}

// workbook returns a small valid workbook's parts, to put other sheets in.
func workbook() map[string][]byte {
	f := excelize.NewFile()
	defer f.Close()
	f.SetCellValue("Sheet1", "A1", "ref")
	buf, err := f.WriteToBuffer()
	if err != nil {
		panic(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			panic(err)
		}
		parts[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return parts
}

// xlsxWith is a workbook whose first sheet's XML is written by sheet, with
// extra parts.
func xlsxWith(sheet func(w io.Writer), extra map[string]func(w io.Writer)) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range workbook() {
		if name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	sheet(w)
	for name, write := range extra {
		w, _ := zw.Create(name)
		write(w)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

const sheetStart = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
const sheetEnd = `</sheetData></worksheet>`

func inlineCell(ref, v string) string {
	return `<c r="` + ref + `" t="inlineStr"><is><t>` + v + `</t></is></c>`
}

// XLSXBigSheet is a workbook whose sheet unzips to about size bytes of
// practice rows (rows and cells without references, as excelize allows).
func XLSXBigSheet(size int) []byte {
	row := `<row>` + `<c t="inlineStr"><is><t>r1</t></is></c><c t="inlineStr"><is><t>Een titel</t></is></c>` + `</row>`
	chunk := strings.Repeat(row, 1000)
	return xlsxWith(func(w io.Writer) {
		io.WriteString(w, sheetStart+`<row r="1">`+inlineCell("A1", "ref")+inlineCell("B1", "title")+`</row>`)
		for n := 0; n < size; n += len(chunk) {
			io.WriteString(w, chunk)
		}
		io.WriteString(w, sheetEnd)
	}, nil)
}

// XLSXManyRows is a workbook with n small practice rows (a small file).
func XLSXManyRows(n int) []byte {
	return XLSXBigSheet(n * 90)
}

// XLSXSharedStrings is a workbook with n tiny shared strings.
func XLSXSharedStrings(n int) []byte {
	return xlsxWith(func(w io.Writer) {
		io.WriteString(w, sheetStart+`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`+sheetEnd)
	}, map[string]func(io.Writer){
		"xl/sharedStrings.xml": func(w io.Writer) {
			fmt.Fprintf(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, n, n)
			for i := range n {
				fmt.Fprintf(w, "<si><t>%d</t></si>", i)
			}
			io.WriteString(w, "</sst>")
		},
	})
}

// XLSXWideHeader is a workbook whose header row has n columns.
func XLSXWideHeader(n int) []byte {
	return xlsxWith(func(w io.Writer) {
		io.WriteString(w, sheetStart+`<row r="1">`)
		for i := 1; i <= n; i++ {
			name, _ := excelize.ColumnNumberToName(i)
			io.WriteString(w, inlineCell(name+"1", "k"+name))
		}
		io.WriteString(w, `</row>`+sheetEnd)
	}, nil)
}

// XLSXSparse is a workbook with a header and one row at the last row
// number a sheet has.
func XLSXSparse() []byte {
	return xlsxWith(func(w io.Writer) {
		io.WriteString(w, sheetStart+`<row r="1">`+inlineCell("A1", "ref")+`</row><row r="1048576">`+inlineCell("A1048576", "r1")+`</row>`+sheetEnd)
	}, nil)
}

// XLSXLyingSize is a workbook whose sheet declares 1 kB unpacked but
// unpacks to actual bytes.
func XLSXLyingSize(actual int) []byte {
	var content bytes.Buffer
	content.WriteString(sheetStart + `<row r="1">` + inlineCell("A1", "ref") + `</row>`)
	filler := strings.Repeat(`<row><c t="inlineStr"><is><t>r</t></is></c></row>`, 1000)
	for content.Len() < actual {
		content.WriteString(filler)
	}
	content.WriteString(sheetEnd)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	fw.Write(content.Bytes())
	fw.Close()

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range workbook() {
		if name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(content.Bytes()),
		CompressedSize64:   uint64(deflated.Len()),
		UncompressedSize64: 1 << 10, // the lie
	})
	if err != nil {
		panic(err)
	}
	w.Write(deflated.Bytes())
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
