// Command ferretdb-kairos runs FerretDB v1.24.2 (a MongoDB wire-protocol server backed by
// PostgreSQL or SQLite) for Kairos' tests. It uses FerretDB's embeddable package instead of
// `go install .../cmd/ferretdb`, which panics at start-up on a missing generated version file
// when FerretDB itself is the main module (FerretDB#2982). See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "postgresql", "backend: postgresql or sqlite")
	postgresqlURL := flag.String("postgresql-url", "postgres://postgres@127.0.0.1:5432/ferretdb",
		"PostgreSQL URL for -handler=postgresql (database must exist: UTF8, C collation)")
	sqliteURL := flag.String("sqlite-url", "file:data/",
		"SQLite URI for -handler=sqlite: an existing directory ending in '/' (needs a build without ferretdb_no_sqlite)")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-kairos: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:   logger,
		Handler:  *handler,
	}
	switch *handler {
	case "postgresql":
		cfg.PostgreSQLURL = *postgresqlURL
	case "sqlite":
		cfg.SQLiteURL = *sqliteURL
	default:
		fmt.Fprintf(os.Stderr, "ferretdb-kairos: unknown -handler %q (want postgresql or sqlite)\n", *handler)
		os.Exit(2)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-kairos: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("ferretdb-kairos listening", "uri", "mongodb://"+*listenAddr+"/", "handler", *handler)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-kairos: %v\n", err)
		os.Exit(1)
	}
	logger.Info("ferretdb-kairos stopped")
}
