// Command lint checks the deployment files without a Docker engine: the
// Dockerfile with BuildKit's own parser and build checks, and
// docker-compose.yml with the Compose specification's loader (what
// `docker compose config` runs).
//
//	go run . ../../Dockerfile ../../docker-compose.yml
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: lint DOCKERFILE COMPOSE_FILE")
		os.Exit(2)
	}
	failed := false
	if err := lintDockerfile(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		failed = true
	}
	if err := checkCompose(os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		failed = true
	}
	if failed {
		os.Exit(1)
	}
	fmt.Println("lint: Dockerfile and compose file are valid")
}

// lintDockerfile parses the file and runs BuildKit's build checks; any
// warning fails.
func lintDockerfile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var warnings []string
	for _, w := range res.Warnings {
		warnings = append(warnings, fmt.Sprintf("%s:%d: %s", path, w.Location.Start.Line, w.Short))
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		warnings = append(warnings, fmt.Sprintf("%s:%d: %s: %s", path, line, rule, msg))
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(stages) == 0 {
		return fmt.Errorf("%s: no build stage", path)
	}
	if len(warnings) > 0 {
		return fmt.Errorf("Dockerfile checks failed:\n%s", joinLines(warnings))
	}
	return nil
}

// checkCompose loads the compose file as `docker compose config` does, with
// the one variable it requires set.
func checkCompose(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	env := map[string]string{"TELEGRAM_BOT_TOKEN": "123:lint"}
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  filepath.Dir(abs),
		ConfigFiles: []types.ConfigFile{{Filename: abs, Content: data}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("duijie", true) })
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	bot, err := project.GetService("bot")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bot.Build == nil {
		return fmt.Errorf("%s: the bot service is not built from the Dockerfile", path)
	}
	return nil
}

func joinLines(s []string) string {
	out := ""
	for _, l := range s {
		out += "  " + l + "\n"
	}
	return out
}
