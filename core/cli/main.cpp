// The qdx command: a Poco::Util::Application that parses the command line,
// discovers the plugins and hands over to the subcommands in Commands.cpp.

#include "Commands.h"

#include "qdx/Errors.h"
#include "qdx/PluginLoader.h"
#include "qdx/plugin/Abi.h"

#include <Poco/Path.h>
#include <Poco/Util/Application.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>

#ifndef QDX_VERSION
#define QDX_VERSION "0"
#endif
#ifndef QDX_PLUGIN_RELDIR
#define QDX_PLUGIN_RELDIR "../lib/qdx/plugins"
#endif

using Poco::Util::Option;
using Poco::Util::OptionSet;

namespace {

int report(const char* kind, const std::string& msg, int code) {
    std::cerr << "qdx: " << kind << msg << "\n";
    return code;
}

/// Runs `f`, turning what it throws into a message and an exit code (README).
template <class F>
int guarded(F&& f) {
    using namespace qdx::cli;
    try {
        return f();
    } catch (const qdx::UsageError& e) {
        return report("", e.what(), kUsage);
    } catch (const Poco::Util::OptionException& e) {
        return report("", e.displayText() + " (see 'qdx --help')", kUsage);
    } catch (const qdx::InputError& e) {
        return report("error: ", e.what(), kInput);
    } catch (const qdx::OutputError& e) {
        return report("error: ", e.what(), kOutput);
    } catch (const qdx::PluginError& e) {
        return report("error: ", e.what(), kPlugin);
    } catch (const Poco::Exception& e) {
        return report("internal error: ", e.displayText(), kInternal);
    } catch (const std::exception& e) {
        return report("internal error: ", e.what(), kInternal);
    }
}

class QdxApp : public Poco::Util::Application {
public:
    QdxApp() {
        setUnixOptions(true);
    }

    int exitCode = qdx::cli::kOk;

protected:
    void initialize(Application&) override {}  // no configuration files, no logging setup
    void uninitialize() override {}

    void defineOptions(OptionSet& os) override {
        os.addOption(Option("help", "h", "help").required(false).repeatable(false));
        os.addOption(Option("version", "", "version").required(false));
        os.addOption(Option("plugin-path", "", "plugin folder").argument("DIR").repeatable(true));
        os.addOption(Option("from", "f", "input format").argument("FMT"));
        os.addOption(Option("to", "t", "output format").argument("FMT"));
        os.addOption(Option("option", "o", "format option").argument("KEY=VALUE").repeatable(true));
        os.addOption(Option("report", "", "report file").argument("FILE"));
        os.addOption(Option("fail-on", "", "fail level").argument("LEVEL"));
        os.addOption(Option("json", "", "JSON output"));
        os.addOption(Option("quiet", "q", "quiet"));
        os.addOption(Option("verbose", "v", "verbose"));
        os.addOption(Option("sync", "", "flush the output to the disk before it is renamed into place"));
        // archive (passwords only from a file or the environment, never the command line)
        os.addOption(Option("zip", "", "bag as zip"));
        os.addOption(Option("verify", "", "verify a bag"));
        os.addOption(Option("encrypt", "", "encrypt the bag"));
        os.addOption(Option("password-file", "", "password file").argument("FILE"));
        os.addOption(Option("password-env", "", "password variable").argument("VAR"));
        // agree, merge
        os.addOption(Option("coders", "", "two users to compare").argument("X,Y"));
        os.addOption(Option("unit", "", "agreement unit").argument("UNIT"));
        os.addOption(Option("overlap", "", "segment overlap percent").argument("P"));
        os.addOption(Option("mapping", "", "theme mapping CSV").argument("FILE"));
        os.addOption(Option("coders-from-files", "", "users named after the files"));
    }

    void handleOption(const std::string& name, const std::string& value) override {
        Application::handleOption(name, value);
        if (name == "help") _help = true;
        else if (name == "version") _version = true;
        else if (name == "plugin-path") _pluginPath.push_back(value);
        else {
            _cl.given.push_back(name);
            if (name == "from") _cl.from = value;
            else if (name == "to") _cl.to = value;
            else if (name == "report") _cl.report = value;
            else if (name == "fail-on") _cl.failOn = value;
            else if (name == "json") _cl.json = true;
            else if (name == "quiet") _cl.quiet = true;
            else if (name == "verbose") _cl.verbose = true;
            else if (name == "sync") _cl.sync = true;
            else if (name == "zip") _cl.zip = true;
            else if (name == "verify") _cl.verify = true;
            else if (name == "encrypt") _cl.encrypt = true;
            else if (name == "password-file") _cl.passwordFile = value;
            else if (name == "password-env") _cl.passwordEnv = value;
            else if (name == "coders" || name == "unit" || name == "overlap" || name == "mapping" ||
                     name == "coders-from-files")
                _cl.values[name] = value;
            else if (name == "option") {
                auto eq = value.find('=');
                if (eq == std::string::npos || eq == 0)
                    throw qdx::UsageError("-o takes key=value, not '" + value + "'");
                std::string key = value.substr(0, eq);
                if (_cl.options.count(key)) throw qdx::UsageError("option '" + key + "' is given twice");
                _cl.options[key] = value.substr(eq + 1);
            }
        }
    }

    // Poco's run() logs and swallows exceptions: map them to exit codes here.
    int main(const std::vector<std::string>& args) override {
        return guarded([&] { return dispatch(args); });
    }

    int dispatch(const std::vector<std::string>& args) {
        if (_version) {
            std::cout << "qdx " << QDX_VERSION << " (plugin ABI " << QDX_PLUGIN_ABI << ")\n";
            return qdx::cli::kOk;
        }
        if (args.empty() || (args[0] == "help" && args.size() == 1)) {
            std::cout << qdx::cli::commandHelp("");
            return args.empty() && !_help ? qdx::cli::kUsage : qdx::cli::kOk;
        }
        _cl.command = args[0] == "help" ? args[1] : args[0];
        if (!qdx::cli::isCommand(_cl.command))
            throw qdx::UsageError("unknown command '" + _cl.command + "' (see 'qdx --help')");
        if (_help || args[0] == "help") {
            std::cout << qdx::cli::commandHelp(_cl.command);
            return qdx::cli::kOk;
        }
        _cl.args.assign(args.begin() + 1, args.end());

        qdx::FormatRegistry registry;
        qdx::Diagnostics loadDiag;
        std::string exeDir = Poco::Path(commandPath()).makeAbsolute().parent().toString();
        if (!exeDir.empty() && exeDir.back() == '/') exeDir.pop_back();
        auto folders = qdx::PluginLoader::searchPath(_pluginPath, exeDir);
        folders.push_back(exeDir + "/" + QDX_PLUGIN_RELDIR);
        _loader.loadFolders(folders, registry, loadDiag);
        for (const auto& d : loadDiag.all())
            if (d.severity != qdx::Severity::Info || _cl.verbose) std::cerr << "qdx: " << d.message << "\n";
        qdx::cli::Context ctx{registry, loadDiag, std::cout, std::cerr};
        return qdx::cli::runCommand(_cl, ctx);
    }

private:
    bool _help = false;
    bool _version = false;
    std::vector<std::string> _pluginPath;
    qdx::cli::CommandLine _cl;
    qdx::PluginLoader _loader;
};

} // namespace

int main(int argc, char** argv) {
    QdxApp app;
    return guarded([&] {
        app.init(argc, argv);  // option errors surface here
        return app.run();
    });
}
