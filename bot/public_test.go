package bot

import "testing"

func TestDistinctiveNames(t *testing.T) {
	for name, want := range map[string]bool{"Zhang Wei": true, "张伟": true, "Will": false, "Grace": false, "": false, "  Solar ": false, "Jürgen": false, "Łukasz": true} {
		if got := distinctive(name); got != want {
			t.Errorf("distinctive(%q) = %v, want %v", name, got, want)
		}
	}
}
