// The repository index on real files: the definitions and identifiers of a small source file in
// each language, the skip rules (git-ignored, binary, oversized, generated) in a real git
// repository, incremental updates, progress and cancellation, concurrent readers, and an index
// of this checkout's own tree, whose build time is printed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tools/repo_index.h"

namespace seek::tools {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsSupersetOf;
using ::testing::Not;

// "kind container > name @line", plus " (decl)" for a declaration: one readable line per
// definition, so whole lists compare at once.
std::string describe(const Definition& definition) {
  std::string text = std::string(to_string(definition.kind)) + " ";
  if (!definition.container.empty()) text += definition.container + " > ";
  text += definition.name + " @" + std::to_string(definition.range.start.line);
  if (definition.declaration_only) text += " (decl)";
  return text;
}

class RepoIndexTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  void build() {
    const Status built = index_.build(dir_.path());
    ASSERT_TRUE(built.ok()) << built.error().message;
  }
  std::vector<std::string> definitions(const std::string& name) const {
    auto found = index_.definitions_in(name);
    EXPECT_TRUE(found.ok()) << name;
    std::vector<std::string> described;
    if (found.ok()) {
      for (const Definition& definition : *found) described.push_back(describe(definition));
    }
    return described;
  }
  std::vector<std::string> identifiers(const std::string& name) const {
    auto found = index_.identifiers_in(name);
    EXPECT_TRUE(found.ok()) << name;
    return found.ok() ? *found : std::vector<std::string>{};
  }
  void git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", dir_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = testing::run_process(argv);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }

  testing::TempDir dir_{"sk-index-"};
  RepoIndex index_;
};

TEST_F(RepoIndexTest, Cpp) {
  write("demo.h", R"(#pragma once
#include <vector>
#define DEMO_MAX 16
namespace seek::demo {
/// A stack.
class Stack {
 public:
  void push(int value);
  int pop();
  bool empty() const { return items_.empty(); }
 private:
  struct Node;
  std::vector<int> items_;
};
struct Point { int x; int y; };
enum class Color { kRed, kGreen };
using Items = std::vector<int>;
const Point& nearest(const Items& items);
template <class T> T twice(T value) { return value + value; }
}  // namespace seek::demo
)");
  write("demo.cc", R"(#include "demo.h"
namespace seek::demo {
void Stack::push(int value) { items_.push_back(value); }
int Stack::pop() {
  int top = items_.back();
  items_.pop_back();
  int local_prototype(int);
  return top;
}
struct Stack::Node {
  ~Node() = default;
  int value;
};
namespace {
int helper(const Point& p) { return p.x + p.y; }
}  // namespace
}  // namespace seek::demo
)");
  build();
  EXPECT_THAT(definitions("demo.h"),
              ElementsAre("macro DEMO_MAX @2", "namespace seek::demo @3", "class seek::demo > Stack @5",
                          "method seek::demo::Stack > push @7 (decl)", "method seek::demo::Stack > pop @8 (decl)",
                          "method seek::demo::Stack > empty @9", "struct seek::demo > Point @14",
                          "enum seek::demo > Color @15", "type seek::demo > Items @16",
                          "function seek::demo > nearest @17 (decl)", "function seek::demo > twice @18"));
  // Out of line: the qualifier joins the container; a local prototype is no definition.
  EXPECT_THAT(definitions("demo.cc"),
              ElementsAre("namespace seek::demo @1", "method seek::demo::Stack > push @2",
                          "method seek::demo::Stack > pop @3", "struct seek::demo::Stack > Node @9",
                          "method seek::demo::Stack::Node > ~Node @10", "function seek::demo > helper @14"));
  EXPECT_THAT(identifiers("demo.cc"), IsSupersetOf({"Stack", "items_", "push_back", "pop_back", "Point", "seek", "x"}));
  EXPECT_THAT(identifiers("demo.cc"), Not(Contains("int")));

  // Ranges: the whole definition and the name, 0-based, with byte offsets.
  const auto stack = index_.definitions_named("Stack");
  ASSERT_EQ(stack.size(), 1u);
  EXPECT_EQ(stack[0].path, "demo.h");
  const Definition& definition = stack[0].definition;
  EXPECT_EQ(definition.range.start, (TextPoint{5, 0}));
  EXPECT_EQ(definition.range.end, (TextPoint{13, 1}));
  EXPECT_EQ(definition.name_range.start, (TextPoint{5, 6}));
  EXPECT_EQ(definition.name_range.end, (TextPoint{5, 11}));
  const std::string header = testing::read_test_file((dir_ / "demo.h").string());
  EXPECT_EQ(header.substr(definition.name_range.start_byte, definition.name_range.end_byte - definition.name_range.start_byte),
            "Stack");
  EXPECT_EQ(header.substr(definition.range.start_byte, 5), "class");
  EXPECT_EQ(header[definition.range.end_byte - 1], '}');
}

TEST_F(RepoIndexTest, C) {
  write("list.c", R"(#include <stdio.h>
#define SQUARE(x) ((x) * (x))
typedef struct { int w, h; } Size;
struct node { struct node* next; int value; };
union number { int i; float f; };
enum mode { MODE_A, MODE_B };
static int area(Size s) { return s.w * s.h; }
char* name_of(struct node* n);
int main(void) { printf("%d\n", SQUARE(area((Size){2, 3}))); return 0; }
)");
  build();
  EXPECT_THAT(definitions("list.c"),
              ElementsAre("macro SQUARE @1", "type Size @2", "struct node @3", "struct number @4", "enum mode @5",
                          "function area @6", "function name_of @7 (decl)", "function main @8"));
  EXPECT_THAT(identifiers("list.c"), IsSupersetOf({"printf", "area", "Size", "SQUARE", "next", "w", "MODE_A"}));
}

TEST_F(RepoIndexTest, Python) {
  write("greeter.py", R"("""Demo module."""
import os

class Greeter:
    def __init__(self, name):
        self.name = name

    @staticmethod
    def greet(name):
        def shout(text):
            return text.upper()
        return shout("hi " + name)

def main():
    print(Greeter("x").greet(os.getcwd()))
)");
  build();
  EXPECT_THAT(definitions("greeter.py"),
              ElementsAre("class Greeter @3", "method Greeter > __init__ @4", "method Greeter > greet @8",
                          "function Greeter.greet > shout @9", "function main @13"));
  EXPECT_THAT(identifiers("greeter.py"), IsSupersetOf({"os", "getcwd", "upper", "self", "staticmethod", "print"}));
  EXPECT_THAT(identifiers("greeter.py"), Not(Contains("hi")));
}

TEST_F(RepoIndexTest, JavaScript) {
  write("cache.mjs", R"(// Demo module.
import { readFile } from "fs";

export class Cache {
  constructor(limit) { this.limit = limit; }
  get(key) { return this.map.get(key); }
}

function load(path) { return readFile(path); }
const parse = (text) => JSON.parse(text);
module.exports.helper = function () { return load("x"); };
)");
  build();
  EXPECT_THAT(definitions("cache.mjs"),
              ElementsAre("class Cache @3", "method Cache > constructor @4", "method Cache > get @5",
                          "function load @8", "function parse @9", "function helper @10"));
  EXPECT_THAT(identifiers("cache.mjs"), IsSupersetOf({"readFile", "limit", "JSON", "parse", "exports"}));
}

TEST_F(RepoIndexTest, TypeScriptAndTsx) {
  write("shapes.ts", R"(export interface Shape { area(): number; }
export type Id = string | number;
enum Direction { Up, Down }
namespace Geometry { export function unit(): number { return 1; } }
export abstract class Base implements Shape {
  abstract area(): number;
  describe(): string { return `area ${this.area()}`; }
}
declare function external(id: Id): void;
export const square = (n: number): number => n * n;
)");
  write("ui/button.tsx", R"(import React from "react";
interface Props { label: string; }
export function Button({ label }: Props) { return <button>{label}</button>; }
export const Panel = () => <div><Button label="ok" /></div>;
)");
  build();
  EXPECT_THAT(definitions("shapes.ts"),
              ElementsAre("interface Shape @0", "method Shape > area @0 (decl)", "type Id @1", "enum Direction @2",
                          "namespace Geometry @3", "function Geometry > unit @3", "class Base @4",
                          "method Base > area @5 (decl)", "method Base > describe @6", "function external @8 (decl)",
                          "function square @9"));
  EXPECT_THAT(definitions("ui/button.tsx"),
              ElementsAre("interface Props @1", "function Button @2", "function Panel @3"));
  EXPECT_THAT(identifiers("ui/button.tsx"), IsSupersetOf({"React", "Props", "label", "Button"}));
}

TEST_F(RepoIndexTest, Rust) {
  write("src/lib.rs", R"(use std::fmt;

pub struct Stack<T> { items: Vec<T> }

pub trait Shape { fn area(&self) -> f64; }

impl<T> Stack<T> {
    pub fn push(&mut self, item: T) { self.items.push(item); }
}

enum Op { Add, Sub }
const LIMIT: usize = 8;
macro_rules! square { ($x:expr) => { $x * $x }; }
mod inner { pub fn helper() {} }
fn main() { let mut s = Stack { items: Vec::new() }; s.push(square!(2)); }
)");
  build();
  EXPECT_THAT(definitions("src/lib.rs"),
              ElementsAre("struct Stack @2", "trait Shape @4", "method Shape > area @4 (decl)",
                          "method Stack > push @7", "enum Op @10", "constant LIMIT @11", "macro square @12",
                          "module inner @13", "function inner > helper @13", "function main @14"));
  EXPECT_THAT(identifiers("src/lib.rs"), IsSupersetOf({"fmt", "Vec", "items", "push", "Stack", "square"}));
}

TEST_F(RepoIndexTest, Go) {
  write("server.go", R"(// Package demo is a demo.
package demo

import "fmt"

type Server struct { addr string }

type Handler interface { Serve() error }

type ID int

const Limit = 4

func (s *Server) Start() error { return fmt.Errorf("no %s", s.addr) }

func New(addr string) *Server { return &Server{addr: addr} }
)");
  build();
  EXPECT_THAT(definitions("server.go"),
              ElementsAre("struct Server @5", "interface Handler @7", "type ID @9", "constant Limit @11",
                          "method Server > Start @13", "function New @15"));
  EXPECT_THAT(identifiers("server.go"), IsSupersetOf({"demo", "fmt", "Errorf", "addr", "Server"}));
}

TEST_F(RepoIndexTest, Java) {
  write("demo/Account.java", R"(package demo;

public class Account {
    private int balance;
    public Account(int start) { balance = start; }
    public void deposit(int amount) { balance += amount; }
    interface Listener { void changed(int value); }
    enum Kind { CHECKING, SAVINGS }
}
)");
  build();
  EXPECT_THAT(definitions("demo/Account.java"),
              ElementsAre("class Account @2", "method Account > Account @4", "method Account > deposit @5",
                          "interface Account > Listener @6", "method Account.Listener > changed @6",
                          "enum Account > Kind @7"));
  EXPECT_THAT(identifiers("demo/Account.java"), IsSupersetOf({"balance", "start", "amount", "CHECKING"}));
}

TEST_F(RepoIndexTest, BashByExtensionAndShebang) {
  const std::string script = R"(#!/usr/bin/env bash
set -euo pipefail
log() { printf '%s\n' "$*" >&2; }
function build_all {
  local target=$1
  log "building $target"
}
build_all "$@"
)";
  write("build.sh", script);
  write("ci/run", script);
  build();
  EXPECT_THAT(definitions("build.sh"), ElementsAre("function log @2", "function build_all @3"));
  EXPECT_EQ(definitions("ci/run"), definitions("build.sh"));
  EXPECT_THAT(identifiers("build.sh"), IsSupersetOf({"log", "build_all", "printf", "set", "target"}));
}

TEST_F(RepoIndexTest, JsonTopLevelKeys) {
  write("package.json", R"({
  "name": "demo",
  "scripts": { "build": "make" },
  "version": "1.0"
}
)");
  build();
  EXPECT_THAT(definitions("package.json"), ElementsAre("key name @1", "key scripts @2", "key version @3"));
}

TEST_F(RepoIndexTest, LanguageDetectionAndGeneratedMarkers) {
  EXPECT_EQ(detect_language("a/b.cc"), Language::kCpp);
  EXPECT_EQ(detect_language("a/B.H"), Language::kCpp);
  EXPECT_EQ(detect_language("x.c"), Language::kC);
  EXPECT_EQ(detect_language("x.tsx"), Language::kTsx);
  EXPECT_EQ(detect_language("x.jsonl"), std::nullopt);
  EXPECT_EQ(detect_language("tool", "#!/usr/bin/python3\n"), Language::kPython);
  EXPECT_EQ(detect_language("tool", "#!/bin/sh\n"), Language::kBash);
  EXPECT_EQ(detect_language("README"), std::nullopt);
  EXPECT_TRUE(looks_generated("app.min.js", "var a;"));
  EXPECT_TRUE(looks_generated("api_pb2.py", "x = 1"));
  EXPECT_TRUE(looks_generated("x.go", "// Code generated by stringer; DO NOT EDIT.\npackage x\n"));
  EXPECT_TRUE(looks_generated("x.h", "/*\n * @generated by a tool\n */\n"));
  EXPECT_FALSE(looks_generated("paths.h", "// Where tests find the files the build generates.\n"));
  // A marker far below the head is a mention, not a marker.
  EXPECT_FALSE(looks_generated("x.py", "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n# DO NOT EDIT\n"));
}

TEST_F(RepoIndexTest, SkipsIgnoredBinaryOversizedAndGeneratedFiles) {
  git({"init", "-q"});
  write(".gitignore", "gen/\n*.log.py\nignored.py\n");
  write("keep.py", "def kept():\n    pass\n");
  write("gen/out.py", "def generated_dir():\n    pass\n");
  write("ignored.py", "def ignored():\n    pass\n");
  write("trace.log.py", "def log_file():\n    pass\n");
  write("blob.c", std::string("int a;\0\1\2\3", 10));
  write("big.js", "// " + std::string(5000, 'x') + "\nfunction big() {}\n");
  write("app.min.js", "function minified(){}");
  write("api_pb2.py", "def message():\n    pass\n");
  write("marker.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\nfunc Generated() {}\n");
  write("notes.txt", "just text\n");
  write("sub/.git/config.py", "def in_git_dir():\n    pass\n");

  RepoIndex small(RepoIndexOptions{.max_file_bytes = 4096});
  ASSERT_TRUE(small.build(dir_.path()).ok());
  EXPECT_THAT(small.files(), ElementsAre("keep.py"));
  const RepoIndexStats stats = small.stats();
  EXPECT_EQ(stats.files_indexed, 1u);
  EXPECT_EQ(stats.definitions, 1u);
  EXPECT_EQ(stats.skipped, (std::map<SkipReason, std::size_t>{{SkipReason::kNotSource, 2},  // notes.txt, .gitignore
                                                              {SkipReason::kBinary, 1},
                                                              {SkipReason::kGenerated, 3},
                                                              {SkipReason::kTooLarge, 1}}));
  EXPECT_TRUE(small.definitions_named("generated_dir").empty());

  // Updates follow the same rules: an ignored file stays out, however it is named.
  auto ignored = small.update_file("gen/out.py");
  ASSERT_TRUE(ignored.ok());
  EXPECT_FALSE(*ignored);
  auto in_git_dir = small.update_file(dir_ / "sub/.git/config.py");
  ASSERT_TRUE(in_git_dir.ok());
  EXPECT_FALSE(*in_git_dir);
  auto outside = small.update_file("/etc/hostname");
  EXPECT_FALSE(outside.ok());
  EXPECT_THAT(small.files(), ElementsAre("keep.py"));
}

TEST_F(RepoIndexTest, IncrementalUpdates) {
  write("a.py", "def first():\n    pass\n\ndef second():\n    pass\n");
  write("b.py", "def other():\n    first()\n");
  build();
  EXPECT_THAT(definitions("a.py"), ElementsAre("function first @0", "function second @3"));

  // Saved edit: `second` goes, `third` comes.
  write("a.py", "def first():\n    pass\n\n\ndef third():\n    pass\n");
  auto updated = index_.update_file(dir_ / "a.py");
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE(*updated);
  EXPECT_THAT(definitions("a.py"), ElementsAre("function first @0", "function third @4"));
  EXPECT_TRUE(index_.definitions_named("second").empty());
  ASSERT_EQ(index_.definitions_named("third").size(), 1u);
  EXPECT_EQ(index_.definitions_named("third")[0].path, "a.py");

  // An unsaved buffer, then a new file, then a file that became generated.
  ASSERT_TRUE(index_.update_text("b.py", "class Other:\n    def run(self):\n        third()\n").ok());
  EXPECT_THAT(definitions("b.py"), ElementsAre("class Other @0", "method Other > run @1"));
  EXPECT_THAT(identifiers("b.py"), Contains("third"));
  write("c.py", "def fresh():\n    pass\n");
  ASSERT_TRUE(index_.update_file("c.py").ok());
  EXPECT_EQ(index_.definitions_named("fresh").size(), 1u);
  auto generated = index_.update_text("c.py", "# @generated\ndef fresh():\n    pass\n");
  ASSERT_TRUE(generated.ok());
  EXPECT_FALSE(*generated);
  EXPECT_TRUE(index_.definitions_named("fresh").empty());

  // Deleted on disk: an update reports it and forgets the file; remove_file is idempotent.
  fs::remove(dir_ / "a.py");
  auto gone = index_.update_file("a.py");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(index_.definitions_named("first").empty());
  EXPECT_TRUE(index_.remove_file("b.py").ok());
  EXPECT_TRUE(index_.remove_file("b.py").ok());
  EXPECT_TRUE(index_.files().empty());
  EXPECT_EQ(index_.definitions_in("b.py").error().code, ErrorCode::kNotFound);
}

TEST_F(RepoIndexTest, UpdateBeforeBuildIsAnError) {
  RepoIndex empty;
  EXPECT_EQ(empty.update_file("a.py").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.definitions_in("a.py").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(empty.definitions_named("x").empty());
  EXPECT_TRUE(empty.root().empty());
}

TEST_F(RepoIndexTest, ProgressAndCancellation) {
  for (int i = 0; i < 20; ++i) write("f" + std::to_string(i) + ".py", "def f" + std::to_string(i) + "():\n    pass\n");
  std::vector<std::pair<std::size_t, std::size_t>> reports;
  ASSERT_TRUE(index_.build(dir_.path(), [&](std::size_t done, std::size_t total) { reports.emplace_back(done, total); }).ok());
  ASSERT_EQ(reports.size(), 21u);
  for (std::size_t i = 0; i < reports.size(); ++i) EXPECT_EQ(reports[i], std::make_pair(i, std::size_t{20}));

  // A cancelled rebuild leaves the previous index in place.
  write("late.py", "def late():\n    pass\n");
  std::atomic<bool> cancel{false};
  const Status cancelled = index_.build(dir_.path(), [&](std::size_t done, std::size_t) { cancel = done >= 1; }, &cancel);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(index_.files().size(), 20u);
  EXPECT_TRUE(index_.definitions_named("late").empty());
}

TEST_F(RepoIndexTest, ReadersRunWhileOneWriterUpdates) {
  write("a.py", "def stable():\n    pass\n");
  build();
  std::atomic<bool> stop{false};
  std::atomic<int> misses{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        if (index_.definitions_named("stable").size() != 1) ++misses;
        (void)index_.definitions_in("a.py");
        (void)index_.stats();
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    const std::string text = "def stable():\n    pass\n\ndef v" + std::to_string(i) + "():\n    pass\n";
    ASSERT_TRUE(index_.update_text("a.py", text).ok());
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(misses, 0);
  EXPECT_THAT(definitions("a.py"), ElementsAre("function stable @0", "function v199 @3"));
}

// This checkout's own tree: every C++ file of the main folders is indexed, and well-known
// definitions are found where they are.
TEST(RepoIndexSelf, IndexesThisCheckout) {
  const fs::path root = SEEK_SOURCE_ROOT;
  RepoIndex index;
  const Status built = index.build(root);
  ASSERT_TRUE(built.ok()) << built.error().message;
  const RepoIndexStats stats = index.stats();

  const std::vector<std::string> files = index.files();
  const std::set<std::string> indexed(files.begin(), files.end());
  std::size_t expected = 0;
  for (const char* folder : {"engine", "lsp", "agent", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || (extension != ".cc" && extension != ".h")) continue;
      ++expected;
      EXPECT_TRUE(indexed.contains(entry.path().lexically_relative(root).generic_string())) << entry.path();
    }
  }
  EXPECT_GT(expected, 100u);

  const auto workspace = index.definitions_named("ScratchArena");
  EXPECT_THAT(workspace, Contains(::testing::AllOf(
                             ::testing::Field(&LocatedDefinition::path, "engine/cpu/scratch_arena.h"),
                             ::testing::Field(&LocatedDefinition::definition,
                                              ::testing::AllOf(::testing::Field(&Definition::kind, DefinitionKind::kClass),
                                                               ::testing::Field(&Definition::container, "seek::engine"))))));
  const auto clean = index.definitions_named("clean_completion");
  EXPECT_THAT(clean, Contains(::testing::AllOf(
                         ::testing::Field(&LocatedDefinition::path, "agent/completion_service.cc"),
                         ::testing::Field(&LocatedDefinition::definition,
                                          ::testing::AllOf(::testing::Field(&Definition::kind, DefinitionKind::kFunction),
                                                           ::testing::Field(&Definition::declaration_only, false))))));
  // The index finds itself, too.
  EXPECT_THAT(index.definitions_named("RepoIndex"),
              Contains(::testing::Field(&LocatedDefinition::path, "tools/repo_index.h")));
  EXPECT_EQ(stats.skipped.count(SkipReason::kUnreadable), 0u);

  std::string skipped;
  for (const auto& [reason, count] : stats.skipped) skipped += " " + std::string(to_string(reason)) + "=" + std::to_string(count);
  std::printf("[ self-index ] %zu files, %zu definitions, built in %lld ms; skipped:%s\n", stats.files_indexed,
              stats.definitions, static_cast<long long>(stats.build_time.count()), skipped.c_str());
  ::testing::Test::RecordProperty("self_index_files", static_cast<int>(stats.files_indexed));
  ::testing::Test::RecordProperty("self_index_definitions", static_cast<int>(stats.definitions));
  ::testing::Test::RecordProperty("self_index_build_ms", static_cast<int>(stats.build_time.count()));
}

}  // namespace
}  // namespace seek::tools
