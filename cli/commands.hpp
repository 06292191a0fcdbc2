// The subcommands of `zzjb`, each taking the arguments after its name.
#pragma once

#include <string>
#include <vector>

namespace zzjb::cli {

int cmdCatalog(const std::vector<std::string>& args);
int cmdCheck(const std::vector<std::string>& args);
int cmdForms(const std::vector<std::string>& args);
int cmdKeyid(const std::vector<std::string>& args);
int cmdSign(const std::vector<std::string>& args);
int cmdIdentity(const std::vector<std::string>& args);
int cmdPlugins(const std::vector<std::string>& args);
int cmdRun(const std::vector<std::string>& args);
int cmdStore(const std::vector<std::string>& args);
int cmdStatus(const std::vector<std::string>& args);
int cmdReport(const std::vector<std::string>& args);
int cmdDaemon(const std::vector<std::string>& args);

}  // namespace zzjb::cli
