package store

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sdkHomes names, for each SDK that one adapter wraps, the only
// directories of the module whose files (tests included) may import it.
var sdkHomes = map[string][]string{
	"github.com/redis/go-redis":         {"store", "store/storetest"},
	"github.com/go-telegram/bot":        {"bot/telegram", "internal/tgfake"},
	"github.com/sashabaranov/go-openai": {"prompts/openaiapi"},
}

// TestSDKsStayInTheirAdapters reads the imports of every Go file in the
// module, tests included, and fails for each file outside an SDK's home
// that imports the SDK or one of its packages.
func TestSDKsStayInTheirAdapters(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || isModule(path)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			for sdk, homes := range sdkHomes {
				if (p == sdk || strings.HasPrefix(p, sdk+"/")) && !slices.Contains(homes, dir) {
					t.Errorf("%s imports %s; only %s may", filepath.ToSlash(rel), p, strings.Join(homes, ", "))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("no Go files under %s", root)
	}
}

// moduleRoot is the nearest directory above the test's own that holds
// go.mod.
func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !isModule(dir) {
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the store package")
		}
		dir = up
	}
	return dir
}

// isModule reports whether dir holds a go.mod: the root of a module.
func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}
