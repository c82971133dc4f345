// Command gen-sdk writes the bandwidth package's SDKs from its schema with the code
// generators of github.com/pulumi/pulumi/pkg/v3 (what `pulumi package gen-sdk` calls,
// which this machine's CLI build cannot: the Go proxy refuses the language host modules).
//
// Usage: gen-sdk SCHEMA OUTDIR LANGUAGE...   (languages: python, nodejs, go, dotnet)
//
// Each language is written to OUTDIR/LANGUAGE, which is emptied first. The dotnet code
// generator left pkg/v3 after v3.225 (for the pulumi-dotnet module, which the Go proxy
// refuses), so scripts/gen-sdk builds this file twice: with current.go (tag `current`)
// against pkg/v3 at the CLI's version, and with dotnet.go (tag `dotnet`) against v3.225.1,
// the last release that has the C# generator.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "bw-pulumi gen-sdk"

// generators is filled by the per-language files, each behind its build tag.
var generators = map[string]func(pkg *schema.Package) (map[string][]byte, error){}

func main() {
	if len(os.Args) < 4 {
		fail(fmt.Errorf("usage: gen-sdk SCHEMA OUTDIR LANGUAGE..."))
	}
	pkg, err := load(os.Args[1])
	if err != nil {
		fail(err)
	}
	for _, language := range os.Args[3:] {
		generate, ok := generators[language]
		if !ok {
			fail(fmt.Errorf("this gen-sdk build cannot generate %q (it has: %v)", language, known()))
		}
		files, err := generate(pkg)
		if err != nil {
			fail(fmt.Errorf("%s: %w", language, err))
		}
		if err := write(filepath.Join(os.Args[2], language), files); err != nil {
			fail(err)
		}
	}
}

func load(path string) (*schema.Package, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noDependencies{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return pkg, nil
}

// noDependencies is the schema loader of a package that references no other package.
type noDependencies struct{}

var errNoDependencies = errors.New("the bandwidth package references no other package")

func (noDependencies) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

func (noDependencies) LoadPackageReferenceV2(
	context.Context, *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, errNoDependencies
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func known() []string {
	names := make([]string, 0, len(generators))
	for name := range generators {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "gen-sdk: %v\n", err)
	os.Exit(1)
}
