// Minimal Node.js language host for the Pulumi CLI, written for bw-pulumi.
//
// The Go module proxy does not serve Pulumi's own pulumi-language-nodejs module, so
// scripts/install-nodejs-host builds this one instead. It serves the LanguageRuntime
// gRPC API and leaves the real work to Pulumi's own runner, `@pulumi/pulumi/cmd/run`,
// which every Pulumi Node.js program has in its node_modules: the runner connects to
// the engine, loads TypeScript through ts-node (or plain JavaScript) and registers the
// program's resources. This host only finds node and the runner, passes the run's
// arguments and configuration the way the runner reads them, and reports the resource
// plugins that the program's npm packages name (package.json `"pulumi": {"resource": true}`).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	// The runner every @pulumi/pulumi release ships; PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides it.
	defaultRunModule = "@pulumi/pulumi/cmd/run"
	// Exit code with which the runner says it already showed the error to the user.
	userActionableExitCode = 32
	notInstalled           = "the Pulumi SDK for Node.js is not installed next to the program: " +
		"run `npm install` in the project directory (it needs @pulumi/pulumi)"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engine  string // engine gRPC address, the last positional argument
	tracing string
}

func main() {
	h := &host{}
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case (a == "-tracing" || a == "--tracing") && i+1 < len(args):
			i++
			h.tracing = args[i]
		case (a == "-root" || a == "--root") && i+1 < len(args):
			i++ // the project root also arrives in every request's ProgramInfo
		case strings.HasPrefix(a, "-"):
			// Logging flags (-v=N, --logtostderr, -typescript=...) are accepted and ignored.
		default:
			h.engine = a
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fatal(err)
	}
	fmt.Printf("%d\n", handle.Port) // the engine reads the port from stdout
	if err := <-handle.Done; err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

// options are Pulumi.yaml's `runtime: {name: nodejs, options: {...}}` that this host reads.
type options struct {
	typescript     bool   // run .ts sources through ts-node (Pulumi's default: true)
	tsconfig       string // a tsconfig file other than tsconfig.json
	nodeargs       string // extra arguments for node, split on spaces
	packagemanager string // npm, yarn, pnpm, bun or auto, for `pulumi install`
}

func readOptions(info *pulumirpc.ProgramInfo) options {
	fields := info.GetOptions().GetFields()
	o := options{typescript: true}
	if v, ok := fields["typescript"]; ok {
		o.typescript = v.GetBoolValue()
	}
	o.tsconfig = fields["tsconfig"].GetStringValue()
	o.nodeargs = fields["nodeargs"].GetStringValue()
	o.packagemanager = fields["packagemanager"].GetStringValue()
	return o
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	var plugins []*pulumirpc.PluginDependency
	for _, p := range resourcePackages(programDir(req.GetInfo(), req.GetProgram())) {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.name, Kind: "resource", Version: p.version, Server: p.server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var packages []*pulumirpc.PackageDependency
	for _, p := range resourcePackages(programDir(req.GetInfo(), "")) {
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: p.name, Kind: "resource", Version: p.version, Server: p.server,
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if dir := info.GetProgramDirectory(); dir != "" {
		return dir
	}
	return fallback
}

// resourcePackage is a plugin that an npm package asks for.
type resourcePackage struct{ name, version, server string }

// packageJSON is the part of an npm package's package.json that names its plugin.
type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePackages reads the packages installed in the node_modules directories from
// dir up to the filesystem root (Node's own lookup), including scoped packages, and
// returns the plugins they declare, one per name and version. Unreadable entries are
// skipped: a missing plugin then shows up when the program registers its resources.
func resourcePackages(dir string) []resourcePackage {
	seen := map[resourcePackage]bool{}
	for d := dir; d != ""; {
		modules := filepath.Join(d, "node_modules")
		for _, manifest := range packageManifests(modules) {
			if p, ok := readResourcePackage(manifest); ok {
				seen[p] = true
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	found := make([]resourcePackage, 0, len(seen))
	for p := range seen {
		found = append(found, p)
	}
	sort.Slice(found, func(i, j int) bool {
		return found[i].name+found[i].version < found[j].name+found[j].version
	})
	return found
}

// packageManifests lists node_modules/NAME/package.json and node_modules/@SCOPE/NAME/package.json.
func packageManifests(modules string) []string {
	entries, err := os.ReadDir(modules)
	if err != nil {
		return nil
	}
	var manifests []string
	for _, e := range entries {
		path := filepath.Join(modules, e.Name())
		if !strings.HasPrefix(e.Name(), "@") {
			manifests = append(manifests, filepath.Join(path, "package.json"))
			continue
		}
		scoped, err := os.ReadDir(path)
		if err != nil {
			continue
		}
		for _, s := range scoped {
			manifests = append(manifests, filepath.Join(path, s.Name(), "package.json"))
		}
	}
	return manifests
}

func readResourcePackage(manifest string) (resourcePackage, bool) {
	data, err := os.ReadFile(manifest)
	if err != nil {
		return resourcePackage{}, false
	}
	var info packageJSON
	if json.Unmarshal(data, &info) != nil || !info.Pulumi.Resource {
		return resourcePackage{}, false
	}
	name := info.Pulumi.Name
	if name == "" { // as Pulumi's host: @pulumi/aws -> aws, @scope/x -> scope/x
		name = strings.TrimPrefix(strings.TrimPrefix(info.Name, "@pulumi/"), "@")
	}
	v := info.Pulumi.Version
	if v == "" {
		v = info.Version
	}
	if name == "" || v == "" {
		return resourcePackage{}, false
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return resourcePackage{name: name, version: v, server: info.Pulumi.Server}, true
}

// locateRunner resolves the runner as Node would from the program directory, so the
// @pulumi/pulumi that the program itself loads is the one that runs it.
func locateRunner(ctx context.Context, node, dir string) (string, error) {
	if path := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); path != "" {
		return path, nil
	}
	cmd := exec.CommandContext(ctx, node, "-e",
		"console.log(require.resolve(process.argv[1]))", defaultRunModule)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", errors.New(notInstalled)
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts := readOptions(req.GetInfo())
	dir := programDir(req.GetInfo(), req.GetPwd())
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{
			Error: "node is not on PATH: install Node.js (https://nodejs.org) to run this program",
		}, nil
	}
	runner, err := locateRunner(ctx, node, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env, err := runEnv(req, opts)
	if err != nil {
		return nil, err
	}
	args := append(strings.Fields(opts.nodeargs), runner)
	cmd := exec.CommandContext(ctx, node, append(args, h.runnerArgs(req)...)...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	var exitErr *exec.ExitError
	switch err := cmd.Run(); {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == userActionableExitCode:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	default:
		return &pulumirpc.RunResponse{Error: "could not run the Node.js program: " + err.Error()}, nil
	}
}

// runEnv is this process's environment plus what the runner reads from it: the stack's
// configuration as a JSON object, its secret keys as a JSON array (never null), and
// whether to load TypeScript sources through ts-node.
func runEnv(req *pulumirpc.RunRequest, opts options) ([]string, error) {
	config := map[string]string{}
	for k, v := range req.GetConfig() {
		config[k] = v
	}
	secretKeys := append([]string{}, req.GetConfigSecretKeys()...)
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript))
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	return env, nil
}

// runnerArgs builds the command line that @pulumi/pulumi/cmd/run parses (minimist flags,
// then the program and its arguments).
func (h *host) runnerArgs(req *pulumirpc.RunRequest) []string {
	var args []string
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k+"="+v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	program := req.GetInfo().GetEntryPoint()
	if program == "" {
		program = "."
	}
	return append(append(args, program), req.GetArgs()...)
}

// InstallDependencies runs the project's package manager (`pulumi install`).
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	srv pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	stdout := streamWriter(func(b []byte) error {
		return srv.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	})
	stderr := streamWriter(func(b []byte) error {
		return srv.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	})
	manager := npm.PackageManagerType(readOptions(req.GetInfo()).packagemanager)
	if manager == "" {
		manager = npm.AutoPackageManager
	}
	_, err := npm.Install(srv.Context(), manager, programDir(req.GetInfo(), req.GetDirectory()),
		false /*production*/, stdout, stderr)
	return err
}

type streamWriter func([]byte) error

func (w streamWriter) Write(p []byte) (int, error) {
	if err := w(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
