// A child process for tests and benchmarks that need a server of their own
// (parleyd, an operator): started from an argv, its output in a log file,
// ready once the log holds a given line, killed when the object dies.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace parley::testing_support {

// A child process started from `argv`, its stdout and stderr in `log`; ready
// once the log holds `ready_line`. Killed when the object dies.
class Process {
 public:
  Process(std::vector<std::string> argv, std::filesystem::path log, std::string ready_line)
      : argv_(std::move(argv)), log_(std::move(log)), ready_line_(std::move(ready_line)) {}
  ~Process() { Stop(SIGKILL); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Starts it and waits for its ready line; false if it exits or 15 s pass.
  bool Start() {
    std::fflush(nullptr);  // or the child writes this process's buffered output again
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = freopen(log_.c_str(), "w", stdout);
      if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(127);
      std::vector<char*> argv;
      for (auto& a : argv_) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      if (Log().find(ready_line_) != std::string::npos) return true;
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Sends `signal` and waits for the process; the wait status, or -1 if it
  // was not running.
  int Stop(int signal = SIGTERM) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  std::string Log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  pid_t pid() const { return pid_; }
  // So that a restart waits for the new process's ready line.
  void RemoveLog() { std::filesystem::remove(log_); }

 private:
  std::vector<std::string> argv_;
  std::filesystem::path log_;
  std::string ready_line_;
  pid_t pid_ = -1;
};

}  // namespace parley::testing_support
