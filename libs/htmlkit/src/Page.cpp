// The page skeleton: stylesheet, Content-Security-Policy, the shared script,
// and the buffered file sink.

#include "qdx/htmlkit/Charts.h"
#include "qdx/htmlkit/Html.h"

#include "qdx/Errors.h"

#include <Poco/SHA2Engine.h>

#include <cerrno>
#include <cstring>

namespace qdx::htmlkit {

namespace {

// Typography and layout. System fonts only: the page loads nothing.
const char* const kCssBase = R"CSS(
:root{--ink:#1c2230;--muted:#5d6677;--line:#dde2ea;--soft:#f4f6f9;--accent:#1f5fa8}
*{box-sizing:border-box}
html{font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff;-webkit-text-size-adjust:100%}
body{margin:0}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
header.top{background:#17202f;color:#fff;padding:1.8rem 2.5rem 1.5rem}
header.top h1{margin:0 0 .35rem;font-size:1.85rem;line-height:1.25;font-weight:650}
header.top p{color:#bcc6d6;margin:.15rem 0}
nav.toc{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid var(--line);box-shadow:0 1px 4px rgba(0,0,0,.05);padding:.5rem 2.5rem;display:flex;flex-wrap:wrap;gap:.2rem 1.4rem;font-size:.92rem}
nav.toc a{color:var(--ink);font-weight:500}
main{padding:0 2.5rem 4rem;max-width:1500px}
section.part{margin-top:2.6rem;scroll-margin-top:3rem}
[id]{scroll-margin-top:3rem}
h2{font-size:1.4rem;margin:0 0 .8rem;padding-bottom:.3rem;border-bottom:2px solid var(--ink)}
h3{font-size:1.08rem;margin:1.5rem 0 .5rem}
p.lead{color:var(--muted);margin:.2rem 0 1rem;max-width:62rem}
.muted{color:var(--muted)}
.small{font-size:.85rem}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pre{white-space:pre-wrap;overflow-wrap:anywhere}
bdi{unicode-bidi:isolate}
.ctl{color:#a40000;background:#fde8e8;border-radius:2px;font-size:.8em;padding:0 .15em}
table{border-collapse:collapse;font-size:.92rem}
th,td{padding:.32rem .6rem;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
thead th{border-bottom:2px solid var(--ink);font-weight:600;vertical-align:bottom}
table.data{width:100%}
table.data td.desc{max-width:38rem;color:var(--muted);font-size:.88rem}
caption{caption-side:top;text-align:left;color:var(--muted);padding:.3rem 0;font-size:.88rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0 1.4rem}
.card{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:.65rem 1rem;min-width:8.5rem}
.card b{display:block;font-size:1.6rem;line-height:1.2;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:.85rem}
.sw{display:inline-block;width:.85em;height:.85em;border-radius:3px;vertical-align:-.08em;margin-right:.45em;border:1px solid rgba(0,0,0,.25);flex:none}
.sw.none{background:repeating-linear-gradient(45deg,#fff 0 2px,#c9cfda 2px 4px)}
.tag{display:inline-block;font-size:.78rem;border:1px solid var(--line);border-radius:10px;padding:0 .5rem;margin:.1rem .2rem .1rem 0;color:var(--muted);background:#fff}
details>summary{cursor:pointer}
.hm-wrap{overflow-x:auto;width:fit-content;max-width:100%;border:1px solid var(--line);border-radius:6px;margin:.3rem 0 .6rem}
table.heat{font-size:.86rem}
table.heat td{text-align:center;min-width:2.3rem;font-variant-numeric:tabular-nums;border-left:1px solid #fff;vertical-align:middle}
table.heat th{vertical-align:middle}
table.heat thead th{vertical-align:bottom}
table.heat th.rot{height:13rem;padding:.3rem .15rem;text-align:left}
table.heat th.rot>span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:12.5rem;max-width:2.6rem;overflow:hidden;font-weight:500;line-height:1.2}
table.heat tbody th{font-weight:400;white-space:nowrap;max-width:28rem;overflow:hidden;text-overflow:ellipsis}
table.heat th .note{color:var(--muted);font-style:italic}
table.heat tr.agg>th,table.heat tr.agg>td{font-weight:700}
table.heat tr.tot>th,table.heat tr.tot>td{border-top:2px solid var(--ink);font-weight:700;background:var(--soft)}
table.heat td.x{background:var(--soft);border-left:1px solid var(--line)}
.h1{background:#eaf1fa}.h2{background:#d5e4f4}.h3{background:#bcd3ec}.h4{background:#a3c3e4}.h5{background:#86aedb}
.h6{background:#6a9bd0}.h7{background:#3a6fae;color:#fff}.h8{background:#1f589b;color:#fff}.h9{background:#0e3c75;color:#fff}
.heatmap>.levels{font-size:.86rem;margin-right:.3rem}
.heatmap>input{position:absolute;opacity:0;width:1px;height:1px}
.heatmap>label{display:inline-block;font-size:.86rem;border:1px solid var(--line);border-radius:4px;padding:0 .55rem;margin:0 .15rem .2rem 0;cursor:pointer;background:#fff}
.heatmap>input:checked+label{background:var(--ink);border-color:var(--ink);color:#fff}
.heatmap>input:focus-visible+label{outline:2px solid var(--accent);outline-offset:1px}
button.tog{border:0;background:none;cursor:pointer;padding:0 .25rem 0 0;font:inherit;color:var(--muted);width:1.1rem}
figure.chart{margin:1rem 0 2.2rem}
figure.chart figcaption{font-weight:600;margin-bottom:.4rem}
figure.chart svg{max-width:100%;height:auto;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif}
.filter{margin:.6rem 0 1rem;display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}
.filter input{font:inherit;padding:.35rem .6rem;border:1px solid #b8c0cc;border-radius:6px;min-width:min(28rem,100%)}
.filter button{font:inherit;font-size:.85rem;padding:.25rem .7rem;border:1px solid #b8c0cc;border-radius:6px;background:#fff;cursor:pointer}
)CSS";

const char* const kCssPrint = R"CSS(
@page{size:A4;margin:14mm 12mm}
@media print{
html{font-size:9.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
nav.toc,.heatmap>.levels,.heatmap>label,.filter,.noprint,button.tog{display:none!important}
header.top{background:none;color:#000;padding:0 0 .8rem;border-bottom:2px solid #000}
header.top p{color:#333}
main{padding:0;max-width:none}
section.part{break-before:page;margin-top:0}
main>section.part:first-child{break-before:auto}
table.data{font-size:8.5pt}
h2,h3,figcaption{break-after:avoid}
tr,figure,.card{break-inside:avoid}
.hm-wrap{overflow:visible;border:0}
table.heat tbody th{max-width:none;white-space:normal}
a{color:inherit}
[hidden]{display:revert!important}
}
)CSS";

std::string levelCss() {
    // Indentation per tree depth, and the CSS-only level controls: when the
    // radio of level L is checked, rows deeper than L are hidden (screen only:
    // a printout holds every row).
    std::string css;
    for (int d = 1; d <= kMaxTreeLevels; ++d)
        css += "tr.dep" + std::to_string(d) + ">th:first-child{padding-left:" + std::to_string(0.6 + 1.25 * d).substr(0, 4) +
               "rem}\n";
    css += "@media screen{\n";
    for (int level = 1; level < kMaxTreeLevels; ++level) {
        std::string sel;
        for (int d = level; d <= kMaxTreeLevels; ++d)
            sel += std::string(sel.empty() ? "" : ",") + ".lv" + std::to_string(level) + ":checked~.hm-wrap tr.dep" +
                   std::to_string(d);
        css += sel + "{display:none}\n";
    }
    css += "}\n";
    return css;
}

const char* const kScript = R"JS(
(function(){
"use strict";
var d=document;
function setTog(b,open){b.setAttribute("aria-expanded",open?"true":"false");b.textContent=open?"\u25BE":"\u25B8";}
d.querySelectorAll("tr[data-parent]").forEach(function(tr){
  var th=tr.querySelector("th");if(!th)return;
  var b=d.createElement("button");b.type="button";b.className="tog";b.title="Collapse or expand the rows below";
  setTog(b,true);th.insertBefore(b,th.firstChild);
  b.addEventListener("click",function(){
    var open=b.getAttribute("aria-expanded")!=="true",depth=+tr.getAttribute("data-depth"),r=tr.nextElementSibling;
    setTog(b,open);
    while(r&&+r.getAttribute("data-depth")>depth){
      r.hidden=!open;
      var t=r.querySelector("button.tog");if(open&&t)setTog(t,true);
      r=r.nextElementSibling;
    }
  });
});
d.querySelectorAll("[data-filter-scope]").forEach(function(scope){
  var box=d.createElement("div");box.className="filter";
  var inp=d.createElement("input");inp.type="search";inp.placeholder=scope.getAttribute("data-filter-scope");
  inp.setAttribute("aria-label",inp.placeholder);
  var info=d.createElement("span");info.className="muted small";info.setAttribute("aria-live","polite");
  box.appendChild(inp);
  ["Expand all","Collapse all"].forEach(function(label,i){
    var b=d.createElement("button");b.type="button";b.textContent=label;
    b.addEventListener("click",function(){scope.querySelectorAll("details").forEach(function(x){x.open=i===0;});});
    box.appendChild(b);
  });
  box.appendChild(info);scope.parentNode.insertBefore(box,scope);
  var sel=scope.getAttribute("data-filter-items")||"[data-filter-item]";
  var items=[].slice.call(scope.querySelectorAll(sel)),groups=scope.querySelectorAll("[data-filter-group]"),texts=null,timer=0;
  function run(){
    var q=inp.value.trim().toLowerCase(),shown=0;
    if(!texts)texts=items.map(function(it){return it.textContent.toLowerCase();});
    items.forEach(function(it,i){var ok=!q||texts[i].indexOf(q)>=0;it.hidden=!ok;if(ok)shown++;});
    groups.forEach(function(g){g.hidden=!!q&&!g.querySelector(sel+":not([hidden])");});
    info.textContent=q?shown+" of "+items.length+" shown":"";
  }
  inp.addEventListener("input",function(){clearTimeout(timer);timer=setTimeout(run,150);});
});
window.addEventListener("beforeprint",function(){d.querySelectorAll("details").forEach(function(x){x.open=true;});});
})();
)JS";

std::string base64(const std::vector<unsigned char>& bytes) {
    static const char* const k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned v = bytes[i] << 16;
        if (i + 1 < bytes.size()) v |= bytes[i + 1] << 8;
        if (i + 2 < bytes.size()) v |= bytes[i + 2];
        out += k[(v >> 18) & 63];
        out += k[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? k[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? k[v & 63] : '=';
    }
    return out;
}

} // namespace

const std::string& baseCss() {
    static const std::string css = std::string(kCssBase) + levelCss() + kCssPrint;
    return css;
}

const std::string& baseScript() {
    static const std::string s = kScript;
    return s;
}

std::string contentSecurityPolicy(const std::vector<std::string>& scripts) {
    // Nothing is loaded from anywhere; inline styles are allowed (colours of
    // themes are style attributes), inline scripts only by their hash.
    std::string csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
    if (!scripts.empty()) {
        csp += "; script-src";
        for (const auto& s : scripts) {
            Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
            sha.update(s);
            csp += " 'sha256-" + base64(sha.digest()) + "'";
        }
    }
    return csp;
}

void beginPage(std::string& out, const PageOptions& page, const std::vector<std::string>& scripts) {
    out += "<!DOCTYPE html>\n<html lang=\"";
    appendAttr(out, page.lang.empty() ? "en" : page.lang);
    out += "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + contentSecurityPolicy(scripts) + "\">\n";
    out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    if (!page.generator.empty()) {
        out += "<meta name=\"generator\" content=\"";
        appendAttr(out, page.generator);
        out += "\">\n";
    }
    out += "<title>";
    appendText(out, page.title);
    out += "</title>\n<style>";
    out += baseCss();
    out += page.extraCss;
    out += "</style>\n</head>\n<body>\n";
}

void endPage(std::string& out, const std::vector<std::string>& scripts) {
    for (const auto& s : scripts) out += "<script>" + s + "</script>\n";
    out += "</body>\n</html>\n";
}

// ---------------------------------------------------------------- FileSink

FileSink::FileSink(const std::string& path) : _path(path) {
    _file = std::fopen(path.c_str(), "wb");
    if (!_file) throw OutputError("cannot create '" + path + "': " + std::strerror(errno));
    _buf.reserve(kChunk + kChunk / 2);
}

FileSink::~FileSink() {
    if (_file) std::fclose(_file);
}

void FileSink::flush() {
    if (!_file) throw OutputError("'" + _path + "' is closed");
    if (!_buf.empty() && std::fwrite(_buf.data(), 1, _buf.size(), _file) != _buf.size())
        throw OutputError("cannot write '" + _path + "': " + std::strerror(errno));
    _written += _buf.size();
    _buf.clear();
}

void FileSink::close() {
    flush();
    std::FILE* f = _file;
    _file = nullptr;
    if (std::fclose(f) != 0) throw OutputError("cannot write '" + _path + "': " + std::strerror(errno));
}

} // namespace qdx::htmlkit
