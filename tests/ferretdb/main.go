// Command ferretdb runs FerretDB v1.24 (its embeddable package, SQLite handler) as a throwaway
// test server for diplograph's suite: loopback only, one data directory, no authentication.
//
// FerretDB's own command needs build-time version files, so we build this small main instead.
// It prints one line, "ferretdb ready mongodb://HOST:PORT/", on stdout once it accepts
// connections (so a caller that asked for port 0 learns the port), and exits 0 on SIGTERM or
// SIGINT after closing its listener and the SQLite databases.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	host := flag.String("host", "127.0.0.1", "loopback address to listen on")
	port := flag.Int("port", 0, "TCP port to listen on; 0 picks a free one")
	dir := flag.String("sqlite-dir", "", "directory for the SQLite files (created if missing; required)")
	level := flag.String("log-level", "warn", "debug, info, warn or error (logs go to stderr)")
	flag.Parse()

	if err := run(*host, *port, *dir, *level); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s\n", err)
		os.Exit(2)
	}
}

func run(host string, port int, dir, level string) error {
	// Without authentication, anything that can reach the port can read and drop the data.
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-host %q: expected a loopback address such as 127.0.0.1", host)
	}

	if port < 0 || port > 65535 {
		return fmt.Errorf("-port %d: expected 0 (any free port) to 65535", port)
	}

	if dir == "" {
		return fmt.Errorf("-sqlite-dir: required (a directory for the SQLite files)")
	}

	var slogLevel slog.Level
	if err := slogLevel.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("-log-level %q: expected debug, info, warn or error", level)
	}

	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("-sqlite-dir %q: %w", dir, err)
	}

	if err = os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("-sqlite-dir %q: %w", dir, err)
	}

	// The SQLite handler wants a file: URI naming an existing directory, with a trailing slash.
	sqliteURL := (&url.URL{Scheme: "file", Path: abs + string(filepath.Separator)}).String()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slogLevel}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: net.JoinHostPort(host, strconv.Itoa(port))},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan error, 1)

	go func() { done <- f.Run(ctx) }()

	// New has bound the listener already; its address carries the real port when we asked for 0.
	fmt.Printf("ferretdb ready %s\n", f.MongoDBURI())

	return <-done
}
