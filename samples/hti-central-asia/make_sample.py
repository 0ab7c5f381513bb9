#!/usr/bin/python3
"""Generate the qdx sample project of the seed study (Esson, Ansie & Ameke 2023).

Writes, next to this script:
  hti-central-asia.json  the coded project in qdx's canonical JSON form (schemas/FORMAT.md)
  hti-quotes.csv         the paper's quote sheet layout (Source / Verbatim quote / Report source)

Standard library only; the output is deterministic (ids are UUID v5 over a fixed namespace,
no clock, no randomness). Run:

  /usr/bin/python3 make_sample.py                   # write both files
  /usr/bin/python3 make_sample.py --check           # only check that the files on disk are current
  /usr/bin/python3 make_sample.py --seed PATH.md    # also check every quote against the paper text

The quotes below are the paper's italic verbatim quotes from its "RESULT AND DISCUSSION"
section, copied as printed (typos included), without the trailing citation parenthesis; the
citation as printed is kept in `cite`. See README.md for every mapping decision.

Paper: Esson, D., Ansie, V., Ameke, T. (2023). Human Trafficking Interventions (HTI): A Rapid
Documentary Analysis of Central Asia Region's (CAR) Efforts. Ilomata International Journal of
Social Science, 4(2), 221-236. https://doi.org/10.52728/ijss.v4i2.726 (CC BY 4.0).
"""

import argparse
import csv
import io
import json
import os
import re
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_NAME = "hti-central-asia.json"
CSV_NAME = "hti-quotes.csv"

DOI = "10.52728/ijss.v4i2.726"
PUBLISHED = "2023-04-30T00:00:00Z"  # the paper's publication date: audit and coding dates
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://doi.org/" + DOI)


def uid(key):
    """A stable RFC 4122 (version 5) UUID, upper case, for an entity key."""
    return str(uuid.uuid5(NAMESPACE, "hti-central-asia/" + key)).upper()


# --------------------------------------------------------------------------------------------
# The authors' coding (one user)

USER = {"key": "user:authors", "name": "Esson, Ansie & Ameke"}

# --------------------------------------------------------------------------------------------
# Codebook: the ecological levels (not codable) and the four themes of Table 3.
# Descriptions are sentences of the paper (Theoretical Underpinning for levels, the Results
# section's theme introductions for themes).

THEMES = [
    {"key": "micro", "name": "Microsystem", "parent": None, "color": "#1B5E20", "codable": False,
     "description": "At the microsystem, this comprises the individual and their immediate "
                    "environment and all interactions between them."},
    {"key": "shelter", "name": "Shelter and psychosocial support", "parent": "micro",
     "color": "#66BB6A", "codable": True,
     "description": "Synthesized evidence shows that because individuals experience unpleasant "
                    "experiences like abuse and maltreatment from their traffickers, they need to be "
                    "offered therapeutic services to facilitate their rehabilitation. For example, "
                    "the findings highlighted how shelter is provided to those who are rescued to "
                    "serve as safe places to prepare them for reintegration or permanent stay."},
    {"key": "meso", "name": "Mesosystem", "parent": None, "color": "#0D47A1", "codable": False,
     "description": "A mesosystem involves the interconnections among the major settings in which "
                    "individuals are found at any point in their life. This level includes "
                    "interactions among family, peers, church, and workplace."},
    {"key": "awareness", "name": "Awareness creation/knowledge", "parent": "meso",
     "color": "#42A5F5", "codable": True,
     "description": "Therefore, there is the need to engage in activities aimed at creating "
                    "awareness and improving community knowledge on human trafficking risk factors. "
                    "Evidence pointed to the fact that to be able to deal with trafficking, it is "
                    "important to know what human trafficking looks like."},
    {"key": "macro", "name": "Macrosystem", "parent": None, "color": "#4A148C", "codable": False,
     "description": "The macrosystem borders on the ideologies of a group that shape behaviours and "
                    "relationships. It encompasses elements of culture, the political, religious, "
                    "economic, family, social, educational, legal and systems."},
    {"key": "collaboration", "name": "Inter-organizational/sectorial collaboration",
     "parent": "macro", "color": "#AB47BC", "codable": True,
     "description": "Reports indicate that CAR countries place extreme value on inter-organizational "
                    "collaboration to fight human trafficking. Such collaborations are necessary "
                    "because sometimes, different organizations and sectors have different expertise "
                    "in the intervention process."},
    {"key": "legislation", "name": "Tightening legislation", "parent": "macro",
     "color": "#EF6C00", "codable": True,
     "description": "One intervention mechanism revealed from the evidence synthesized is that "
                    "contrary to previous legislation, which was less stringent, countries within the "
                    "CAR have tightened legislation to cover a wider scope of trafficking offences."},
]

# --------------------------------------------------------------------------------------------
# Attributes

ATTRIBUTES = [
    {"key": "attr:publisher", "name": "Publisher", "type": "text",
     "description": "Organisation that published the report (author in the paper's citation; "
                    "outlet in brackets where the reference list names one)."},
    {"key": "attr:year", "name": "Year", "type": "integer",
     "description": "Publication year as cited in the paper."},
    {"key": "attr:countries", "name": "Countries", "type": "text",
     "description": "Countries the report gives evidence on, per the paper's Table 1, spelling "
                    "normalised, separated by \"; \" (\"All Central Asian Countries\" = all five)."},
    {"key": "attr:material", "name": "Material type", "type": "text",
     "description": "Material type per the paper's Table 1 (Web report / Report)."},
    {"key": "attr:title", "name": "Title", "type": "text",
     "description": "Title as printed in the paper's reference list (absent where the report "
                    "has no reference-list entry)."},
    {"key": "attr:url", "name": "URL", "type": "text",
     "description": "Link as printed in the paper's reference list (absent where it gives none)."},
    {"key": "attr:reports", "name": "Reports", "type": "integer",
     "description": "Number of included reports giving evidence on the country, counted from the "
                    "paper's Table 1 (\"All Central Asian Countries\" counts for each country)."},
    {"key": "attr:reports-paper", "name": "Reports (paper's count)", "type": "integer",
     "description": "Number of reports giving evidence on the country as stated in the paper's "
                    "Results text (\"Evidence on Kazakhstan was present in five (5) reports, ...\")."},
]

# --------------------------------------------------------------------------------------------
# Countries (cases)

KAZ, KGZ, TJK, TKM, UZB = ("Kazakhstan", "Kyrgyz Republic", "Tajikistan", "Turkmenistan",
                           "Uzbekistan")
COUNTRIES = [KAZ, KGZ, TJK, TKM, UZB]
# "Evidence on Kazakhstan was present in five (5) reports, Tajikistan in three (3), Kyrgyz
# Republic in two (2), Uzbekistan in four (4) and Turkmenistan in one (1) report."
PAPER_COUNTS = {KAZ: 5, TJK: 3, KGZ: 2, UZB: 4, TKM: 1}
CASE_NOTES = {
    KAZ: "Table 1 spells it \"Kazakstan\" in two rows (CABAR 2017, United Nations 2022).",
    KGZ: "Table 1 writes \"Kyrgyz Republic\", \"Kyrgyz republic\" and \"Kyrgyzstan\".",
    TJK: "",
    TKM: "Only CABAR 2017 and the Winrock row (\"All Central Asian Countries\") name it.",
    UZB: "",
}

# --------------------------------------------------------------------------------------------
# Sources: the rows of Table 1, in Table 1 order.
#   cite       the citation as Table 1 prints it (becomes the source name)
#   table1     Table 1's Country and Material type cells as printed
#   countries  the normalised countries ("All Central Asian Countries" = all five)
#   reference  the reference-list entry as printed (markdown link markup removed), or None

SOURCES = [
    {"key": "usaid-2021", "cite": "USAID, 2021",
     "publisher": "U.S. Agency for International Development (USAID)", "year": 2021,
     "table1": ("Kyrgyz Republic Uzbekistan Kazakhstan Tajikistan", "Web report"),
     "countries": [KGZ, UZB, KAZ, TJK], "material": "Web report",
     "title": "Combating Human Trafficking in Central Asia | Success Stories | Central Asia "
              "Regional | U.S. Agency for International Development",
     "url": "https://www.usaid.gov/central-asia-regional/success-stories/"
            "aug-2021-combating-human-trafficking-central-asia",
     "reference": "USAID. (2021). Combating Human Trafficking in Central Asia | Success Stories | "
                  "Central Asia Regional | U.S. Agency for International Development. "
                  "https://www.usaid.gov/central-asia-regional/success-stories/"
                  "aug-2021-combating-human-trafficking-central-asia",
     "note": "The reference list prints this entry twice, identically. The Results section also "
             "cites it as \"USAIDS, 2021\" (two quotes), mapped here."},
    {"key": "cabar-2017", "cite": "Central Asian Bureau for Analytical Reporting, 2017",
     "publisher": "Central Asian Bureau for Analytical Reporting (CABAR.Asia)", "year": 2017,
     "table1": ("Kazakstan Uzbekistan Kyrgyz republic Tajikistan Turkmenistan", "Web report"),
     "countries": [KAZ, UZB, KGZ, TJK, TKM], "material": "Web report",
     "title": "Zaynab Dost: Fighting Human Trafficking in Central Asia: Problems and Challenges",
     "url": "https://cabar.asia/en/zaynab-dost-fighting-human-trafficking-in-central-asia-"
            "problems-and-challenges",
     "reference": "Central Asian Bureau for Analytical Reporting. (2017, January 26). Zaynab Dost: "
                  "Fighting Human Trafficking in Central Asia: Problems and Challenges. CABAR.Asia. "
                  "https://cabar.asia/en/zaynab-dost-fighting-human-trafficking-in-central-asia-"
                  "problems-and-challenges",
     "note": "The paper quotes its passage on the parental-permission measure twice: at the end of "
             "a longer quote (collaboration) and alone (tightening legislation). The text holds "
             "it once; two excerpts overlap there."},
    {"key": "cabar-2016", "cite": "Central Asian Bureau for Analytical Reporting, 2016",
     "publisher": "Central Asian Bureau for Analytical Reporting (CABAR.Asia)", "year": 2016,
     "table1": ("Tajikistan", "Web report"),
     "countries": [TJK], "material": "Web report",
     "title": "IWPR Tajikistan: Deportation and human trafficking for the purpose of exploitation "
              "are turning into a long-term phenomenon in Tajikistan",
     "url": "https://cabar.asia/ru/iwpr-tajikistan-vyvoz-i-torgovlya-lyudmi-s-tselyu-"
            "ekspluatatsii-prevrashchayutsya-v-tadzhikistane-v-dolgosrochnoe-yavlenie",
     "reference": "Central Asian Bureau for Analytical Reporting. (2016, February 3). IWPR "
                  "Tajikistan: Deportation and human trafficking for the purpose of exploitation "
                  "are turning into a long-term phenomenon in Tajikistan. CABAR.Asia. "
                  "https://cabar.asia/ru/iwpr-tajikistan-vyvoz-i-torgovlya-lyudmi-s-tselyu-"
                  "ekspluatatsii-prevrashchayutsya-v-tadzhikistane-v-dolgosrochnoe-yavlenie",
     "note": "Its one quote (\"The government tries to inform the public ...\") is word for word a "
             "sentence of the paper's CABAR 2017 quote about Uzbekistan; the paper's citation "
             "(2016) is kept."},
    {"key": "unodc-2022a", "cite": "UNODC, 2022a",
     "publisher": "UNODC", "year": 2022,
     "table1": ("Uzbekistan", "Report"),
     "countries": [UZB], "material": "Report",
     "title": None, "url": None, "reference": None,
     "note": "No entry in the paper's reference list (it lists UNODC 2016 and 2021 only). The "
             "Results quote cited \"UNODC, 2022\" (Uzbekistan) is mapped here."},
    {"key": "unodc-2022b", "cite": "UNODC, 2022b",
     "publisher": "UNODC", "year": 2022,
     "table1": ("Kyrgyzstan", "Web report"),
     "countries": [KGZ], "material": "Web report",
     "title": None, "url": None, "reference": None,
     "note": "No entry in the paper's reference list (it lists UNODC 2016 and 2021 only)."},
    {"key": "un-2022", "cite": "United Nations, 2022",
     "publisher": "United Nations (UN News)", "year": 2022,
     "table1": ("Kazakstan Uzbekistan", "Web report"),
     "countries": [KAZ, UZB], "material": "Web report",
     "title": "First Person: 'I helped to rescue over 1,000 trafficking victims.'",
     "url": "https://news.un.org/en/story/2022/05/1118222",
     "reference": "United Nations. (2022, May 14). First Person: 'I helped to rescue over 1,000 "
                  "trafficking victims.' UN News. https://news.un.org/en/story/2022/05/1118222",
     "note": ""},
    {"key": "usdos-2021a", "cite": "US Department of State, 2021a",
     "publisher": "United States Department of State", "year": 2021,
     "table1": ("Kazakhstan", "Report"),
     "countries": [KAZ], "material": "Report",
     "title": "Kazakhstan",
     "url": "https://www.state.gov/reports/2021-trafficking-in-persons-report/kazakhstan/",
     "reference": "US Department of State. (2021a). Kazakhstan. United States Department of State. "
                  "https://www.state.gov/reports/2021-trafficking-in-persons-report/kazakhstan/",
     "note": "The reference list also prints the same entry without the letter (\"(2021). "
             "Kazakhstan.\"). The Results quote cited \"US Department of State, 2021\" (the "
             "Kazakhstan hotline) is mapped here."},
    {"key": "usdos-2021b", "cite": "US Department of State, 2021b",
     "publisher": "United States Department of State", "year": 2021,
     "table1": ("Uzbekistan", "Report"),
     "countries": [UZB], "material": "Report",
     "title": "Deceived Migrants from Tajikistan: A Study of Trafficking in Women and Children | "
              "Office of Justice Programs",
     "url": "https://www.state.gov/reports/2021-trafficking-in-persons-report/uzbekistan/",
     "reference": "US Department of State. (2021). Deceived Migrants from Tajikistan: A Study of "
                  "Trafficking in Women and Children | Office of Justice Programs. "
                  "https://www.state.gov/reports/2021-trafficking-in-persons-report/uzbekistan/",
     "note": "The reference list has no \"2021b\" entry; this is the only other US Department of "
             "State 2021 entry, and its URL is the Uzbekistan page of the 2021 Trafficking in "
             "Persons Report. Its printed title is evidently copied from the US Department of "
             "Justice (2001) entry; kept as printed. The paper introduces the quote from this "
             "report as \"Evidence from Kyrgyzstan\" while Table 1 gives Uzbekistan."},
    {"key": "winrock-2022", "cite": "Winrock International, 2022",
     "publisher": "Winrock International", "year": 2022,
     "table1": ("All Central Asian Countries", "Web report"),
     "countries": list(COUNTRIES), "material": "Web report",
     "title": None, "url": None, "reference": None,
     "note": "No entry in the paper's reference list; Table 1 prints its citation in bold, not "
             "as a link. Its quote names Sana Sezim (Kazakhstan) and El Agartuu (Kyrgyz "
             "Republic)."},
]

# Report-source cell of the quote sheet where the reference list gives no link: the outlet.
OUTLET = {"unodc-2022a": "UNODC", "unodc-2022b": "UNODC", "winrock-2022": "Winrock International"}

# --------------------------------------------------------------------------------------------
# The Results section's verbatim quotes, in paper order.
#   source   key of the Table 1 row the quote is mapped to
#   theme    key of the theme whose Results subsection prints it
#   cite     the citation parenthesis as printed after the quote; `tail` what follows it
#   inside   for a quote the paper prints twice: key of the quote whose text already holds it
#   note     mapping decision, where the citation does not name a Table 1 row exactly

SECTION = {"shelter": "Shelter and Psychosocial Support",
           "awareness": "Awareness creation/knowledge on human trafficking",
           "collaboration": "Inter organizational and sectorial Collaborations/Partnerships",
           "legislation": "Tightening legislation"}

QUOTES = [
    {"key": "q01", "theme": "shelter", "source": "winrock-2022",
     "cite": "(Winrock International, 2022)", "tail": "",
     "note": "The citation is printed inside the italic quote, without a closing full stop; "
             "Winrock International (2022) has no reference-list entry.",
     "quote": "Sana Sezim plays a part by offering shelters and support services for TIP victims. "
              "El Agartuu started a national database of 40 NGOs helping the counter-trafficking "
              "movement and is recognized by the Kyrgyz government to provide referrals for "
              "assistance to survivors"},
    {"key": "q02", "theme": "shelter", "source": "usaid-2021",
     "cite": "(USAIDS, 2021)", "tail": ".",
     "note": "\"USAIDS, 2021\" is not in Table 1 or the reference list: mapped to USAID, 2021. "
             "The opening quotation mark is printed without a closing one (the quote continues "
             "in the next one).",
     "quote": "\u201cUntil 2016, international agencies such as USAID and IOM funded such "
              "services"},
    {"key": "q03", "theme": "shelter", "source": "usaid-2021",
     "cite": "(USAIDS, 2021)", "tail": ".",
     "note": "\"USAIDS, 2021\" is not in Table 1 or the reference list: mapped to USAID, 2021.",
     "quote": "Now, the Government of Kazakhstan has a dedicated budget for it. We are working "
              "with the government to extend these services to individuals from foreign countries "
              "who are victims in Kazakhstan"},
    {"key": "q04", "theme": "shelter", "source": "usdos-2021a",
     "cite": "(US Department of State, 2021)", "tail": ".",
     "note": "\"US Department of State, 2021\" has no letter: mapped to 2021a (Kazakhstan), since "
             "the paper's Discussion says this hotline is funded by the government of Kazakhstan.",
     "quote": "The government funded an NGO-operated trafficking hotline that received 1,341 phone "
              "calls in 2020, 21 of which were referred to anti-trafficking police units "
              "(compared with 1,834 calls culminating in 12 referrals in 2019)"},
    {"key": "q05", "theme": "awareness", "source": "cabar-2016",
     "cite": "(Central Asian Bureau for Analytical Reporting, 2016)", "tail": ".",
     "note": "The same sentence recurs word for word inside the CABAR 2017 quote on Uzbekistan "
             "(collaboration); the paper's citation (2016) is kept.",
     "quote": "The government tries to inform the public about the consequences of human "
              "trafficking via setting up information boards, showing films and supporting "
              "theatrical plays"},
    {"key": "q06", "theme": "awareness", "source": "cabar-2017",
     "cite": "(Central Asian Bureau for Analytical Reporting, 2017)", "tail": ".",
     "note": "",
     "quote": "the government of Kazakhstan approved its Plan to Prevent and Fight Trafficking in "
              "Persons for 2015-2017. The authorities are working on recognizing the victims of "
              "human trafficking and coming up with the criteria to assess ill-treatments leading "
              "to a person's social isolation. This assessment and confirmation of a victim "
              "status is supposed to be taking place regardless of whether a criminal case is "
              "open or not"},
    {"key": "q07", "theme": "awareness", "source": "usaid-2021",
     "cite": "(USAID, 2021)", "tail": ".",
     "note": "The closing quotation mark is printed without an opening one; \"says Nurzhan\" is "
             "part of the printed quote.",
     "quote": "In 2006, through a USAID-program, I was asked to conduct a training for university "
              "students on anti-trafficking. I realized how important it was to educate the youth "
              "to be vigilant against human trafficking. We have since developed guides and "
              "instructional manuals now adopted by the Kyrgyz Republic's Ministry of Education "
              "and Science as learning materials on anti-trafficking,\" says Nurzhan"},
    {"key": "q08", "theme": "awareness", "source": "usaid-2021",
     "cite": "((USAID, 2021))", "tail": "",
     "note": "The citation is printed in double parentheses, without a closing full stop.",
     "quote": "Thanks to informational campaigns by NGOs supported by USAID and state partners, we "
              "are seeing a decline in the number of forced laborers and victims of sexual "
              "exploitation"},
    {"key": "q09", "theme": "collaboration", "source": "un-2022",
     "cite": "(United Nations, 2022)", "tail": ".",
     "note": "",
     "quote": "Central Asian governments collaborate with the non-governmental organizations and "
              "foreign partners to counter human trafficking. They cooperate with the UN "
              "representatives, the OSCE, the IOM and UNODC and take part in trafficking "
              "prevention and victim protection programs"},
    {"key": "q10", "theme": "collaboration", "source": "cabar-2017",
     "cite": "(Central Asian Bureau for Analytical Reporting, 2017)", "tail": ".",
     "note": "The omission mark \"...\" is the paper's. The sentence \"The government tries to "
             "inform the public ...\" is the one the paper cites to CABAR 2016; the last sentence "
             "is quoted again under tightening legislation (a separate excerpt inside this one).",
     "quote": "In Uzbekistan, the Republican Interdepartmental Commission to Counter Trafficking in "
              "Persons coordinates the activities of the state bodies, mahalla (local "
              "self-governance entities) and the non-governmental organizations (NGOs) to fight "
              "human trafficking. The government of Uzbekistan gives funds to the Tashkent "
              "Rehabilitation Center for men, women and children with an official status of a "
              "victim. The Center assisted 503 victims in 2015, compared to 369 people in "
              "2014...The government tries to inform the public about the consequences of human "
              "trafficking via setting up information boards, showing films and supporting "
              "theatrical plays. Another measure, a rather peculiar one, is to fight human "
              "trafficking via demanding all women under 35 years old to get an official "
              "permission from their parents or husbands for travelling abroad"},
    {"key": "q11", "theme": "collaboration", "source": "unodc-2022a",
     "cite": "(UNODC, 2022)", "tail": ".",
     "note": "\"UNODC, 2022\" has no letter: mapped to 2022a, the Table 1 row on Uzbekistan (the "
             "quote is about Uzbekistan; 2022b is on Kyrgyzstan).",
     "quote": "Over a period of six months in 2022, UNODC implemented numerous activities in close "
              "partnership with state and nonstate partners. These activities contributed to the "
              "promotion of coherent and efficacious investigations and prosecutions of TIP cases "
              "in Uzbekistan. These activities include the establishment of coordination of "
              "national efforts supported by international organizations and donors in "
              "Uzbekistan"},
    {"key": "q12", "theme": "collaboration", "source": "cabar-2017",
     "cite": "(Central Asian Bureau for Analytical Reporting, 2017)", "tail": ".",
     "note": "",
     "quote": "In 2014, Turkmenistan also set up its working group to combat trafficking. It "
              "includes the state representatives and public organizations. The government has "
              "also adopted a National Plan to Combat Human Trafficking for 2016-2018, a measure "
              "recommended by the international observers in 2015"},
    {"key": "q13", "theme": "legislation", "source": "unodc-2022b",
     "cite": "(UNODC, 2022b)", "tail": ".",
     "note": "The paper breaks this quote across a page (\"risks of\" / \"exploitation\"); joined "
             "with one space.",
     "quote": "The new action plan foresees work on the further improvement of legislation, the "
              "establishment of a national referral mechanism, concerted action to prevent "
              "trafficking in persons and raise awareness on the risks of exploitation, as well as "
              "efforts to promote interagency and international cooperation, more effective "
              "investigation and prosecution of trafficking cases, and victim support"},
    {"key": "q14", "theme": "legislation", "source": "usdos-2021b",
     "cite": "(US Department of State, 2021b)", "tail": ".",
     "note": "Introduced in the paper as \"Evidence from Kyrgyzstan\", but 2021b is the Uzbekistan "
             "report (Table 1 and the reference-list URL); the citation is kept.",
     "quote": "With the assistance of international partners, the government completed and "
              "promulgated a law that included provisions significantly enhancing victim "
              "protection procedures and policies. Per Article 27 of the law, victims of human "
              "trafficking were exempted from civil, administrative, and criminal liability for "
              "acts committed under coercion"},
    {"key": "q15", "theme": "legislation", "source": "cabar-2017", "inside": "q10",
     "cite": "(Central Asian Bureau for Analytical Reporting, 2017)", "tail": ".",
     "note": "The paper prints this passage a second time (it ends its collaboration quote on "
             "Uzbekistan); it is anchored inside that quote's text rather than repeated.",
     "quote": "Another measure, a rather peculiar one, is to fight human trafficking via demanding "
              "all women under 35 years old to get an official permission from their parents or "
              "husbands for travelling abroad"},
]

# --------------------------------------------------------------------------------------------
# Memos

CREDIT = ("Esson, D., Ansie, V., Ameke, T. (2023). Human Trafficking Interventions (HTI): A Rapid "
          "Documentary Analysis of Central Asia Region's (CAR) Efforts. Ilomata International "
          "Journal of Social Science, 4(2), 221-236. https://doi.org/" + DOI + " (CC BY 4.0)")

METHOD_MEMO = "\n\n".join([
    "Design: rapid documentary analysis (documentary review), chosen because peer-reviewed "
    "evidence on human trafficking interventions in Central Asia is scarce; the analysis draws on "
    "Bronfenbrenner's ecological systems theory.",
    "Data: reports and web posts published online from January 2010 to August 2022, found with "
    "the search functions of news portals and organisational websites using the keyword "
    "combinations of Table 2 (Human Trafficking / Trafficking / Trafficking Interventions / Child "
    "trafficking AND each Central Asian country). 18 reports were recovered; after screening "
    "(reports had to contain personal or reported accounts of human trafficking or report on an "
    "intervention; 11 news articles were excluded) the included reports are those of Table 1.",
    "Organisation: the extracted data were put in an Excel spreadsheet with the categories "
    "source, verbatim quotes and news/report sources, and cross-checked against the links by a "
    "senior colleague (hti-quotes.csv imitates that sheet).",
    "Analysis: thematic narrative analysis (Andrews, Squire & Tamboukou, 2013): marked quotes "
    "were put together into stories, read and re-read for similar and contradictory segments, "
    "and organised into themes from commonalities and derived meanings. The four themes were "
    "grouped by ecosystem level (Table 3): microsystem - shelter and psychosocial support; "
    "mesosystem - awareness creation/knowledge; macrosystem - inter-organizational/sectorial "
    "collaboration and tightening legislation.",
    "In this sample each report is a text source holding only the paper's quotes from it; each "
    "quote is an excerpt coded to the theme of the Results subsection that prints it. "
    "Source: " + CREDIT + ".",
])

LEVEL_MEMOS = [
    {"key": "memo:micro", "level": "micro", "name": "Microsystem: discussion",
     "text": "\n\n".join([
         "From the paper's Discussion: At the microsystem level, the theme of psychosocial "
         "services provided to victims of trafficking as a protective intervention effort stands "
         "out. [...] Such services are important preparatory actions needed to facilitate the "
         "reintegration of victims into their societies again. [...] These efforts are intertwined "
         "with macro level efforts where some CAR countries are investing, through their national "
         "budget, in free services to victims.",
         "Exceptionally, the findings show that countries have increased the adoption of "
         "tele-therapeutic services to victims who, for reasons of distance, are unable to present "
         "themselves in person. For example, the findings portray that the government of "
         "Kazakhstan has resourced an NGO to operate a call center system where reports and "
         "services on trafficking can be handled.",
     ])},
    {"key": "memo:meso", "level": "meso", "name": "Mesosystem: discussion",
     "text": "\n\n".join([
         "From the paper's Discussion: At the mesosystem level, the findings reveal that in the "
         "last decade, countries in Central Asia have recognized the prevalence of human "
         "trafficking and focused on creating awareness on what constitutes human trafficking. "
         "[...] Therefore, educating people to be abreast with emerging tactics of traffickers is "
         "a significant approach used in the study region to begin to combat human trafficking. "
         "[...] these findings highlight the integral role of NGOs in awareness campaigns, and how "
         "successful their activities have been in decreasing sexual exploitation and trafficking "
         "within the CAR.",
         "One challenge, however, identified in the current study as hindering NGOs from "
         "successfully executing anti-trafficking duties is minimal funding.",
         "Note: the Discussion introduces the training of university students (coded here under "
         "awareness creation/knowledge, as the Results section prints it) with \"In addition to "
         "microsystems level factors\".",
     ])},
    {"key": "memo:macro", "level": "macro", "name": "Macrosystem: discussion",
     "text": "\n\n".join([
         "From the paper's Discussion: At the macrosystems level, inter-organizational and "
         "sectorial collaborations stand out as a predisposing anti-trafficking initiative. The "
         "findings show that in many circumstances, independent work by various actors, including "
         "government agencies, NGOs, or other civil society organizations is insufficient to "
         "tackle human trafficking cases. [...] Similarly, Turkmenistan has set up an "
         "anti-trafficking working group which will oversee national anti-trafficking activities "
         "in the country as revealed in the current study.",
         "[...] this study highlighted that some of the countries within the CAR have adopted "
         "tighter legislative reforms aimed at expanding the criminal scope of human trafficking "
         "in order to meet international standards and deter traffickers from engaging in the "
         "act. Other interventions, tying legality and elements of cultural beliefs in "
         "Uzbekistan, demanded all women under the age of 35 to obtain parental approval before "
         "travelling abroad.",
     ])},
]

# --------------------------------------------------------------------------------------------
# Building the project


def audit():
    return {"creator": uid(USER["key"]), "created": PUBLISHED}


def excerpt_name(quote):
    """A short label: the first words of the quote."""
    words = quote.lstrip("\u201c").split()
    return " ".join(words[:7]) + " \u2026"


def build():
    user_id = uid(USER["key"])
    theme_id = {t["key"]: uid("theme:" + t["key"]) for t in THEMES}
    attr_id = {a["key"]: uid(a["key"]) for a in ATTRIBUTES}
    source_id = {s["key"]: uid("source:" + s["key"]) for s in SOURCES}
    excerpt_id = {q["key"]: uid("excerpt:" + q["key"]) for q in QUOTES}
    source_by_key = {s["key"]: s for s in SOURCES}

    # Source texts: the source's quotes in paper order joined by a blank line; a quote the
    # paper prints twice ("inside") is anchored in the text it already appears in.
    paragraphs = {s["key"]: [] for s in SOURCES}
    span = {}
    for q in QUOTES:
        if "inside" in q:
            continue
        parts = paragraphs[q["source"]]
        start = sum(len(p) for p in parts) + 2 * len(parts)  # code points (Python str)
        parts.append(q["quote"])
        span[q["key"]] = (start, start + len(q["quote"]))
    texts = {k: "\n\n".join(v) for k, v in paragraphs.items()}
    for q in QUOTES:
        if "inside" not in q:
            continue
        host_start, host_end = span[q["inside"]]
        host = texts[q["source"]][host_start:host_end]
        assert host.count(q["quote"]) == 1, q["key"]
        start = host_start + host.index(q["quote"])
        span[q["key"]] = (start, start + len(q["quote"]))

    project = {
        "qdx": "1.0",
        "project": {
            "name": "Human Trafficking Interventions in Central Asia (Esson, Ansie & Ameke 2023)",
            "description": "The seed study of qdx as a coded project: a rapid documentary analysis "
                           "of human trafficking interventions in the five Central Asian "
                           "countries, coded by ecological level (Bronfenbrenner) into four "
                           "themes. Sources are the included reports of the paper's Table 1; each "
                           "holds only the paper's verbatim quotes from it, and every quote of "
                           "the Results section is an excerpt coded to its theme. Paper: "
                           + CREDIT + ".",
            "origin": "qdx sample (Esson, Ansie & Ameke 2023)",
            "audit": audit(),
            "ext": {"hti:paper": {"doi": DOI, "license": "CC-BY-4.0",
                                  "journal": "Ilomata International Journal of Social Science",
                                  "volume": 4, "issue": 2, "pages": "221-236",
                                  "received": "2023-02-02", "accepted": "2023-04-11",
                                  "published": "2023-04-30"}},
        },
        "users": [{"id": user_id, "name": USER["name"]}],
        "themes": [],
        "attributes": [],
        "sources": [],
        "excerpts": [],
        "memos": [],
        "cases": [],
        "sets": [],
    }

    for t in THEMES:
        theme = {"id": theme_id[t["key"]], "name": t["name"]}
        if t["parent"]:
            theme["parent"] = theme_id[t["parent"]]
        theme.update({"color": t["color"], "description": t["description"]})
        if not t["codable"]:  # absent = true, as qdx's writer leaves it
            theme["codable"] = False
        theme["audit"] = audit()
        project["themes"].append(theme)

    for a in ATTRIBUTES:
        project["attributes"].append({"id": attr_id[a["key"]], "name": a["name"],
                                      "type": a["type"], "description": a["description"]})

    for s in SOURCES:
        values = [
            {"attribute": attr_id["attr:publisher"], "value": s["publisher"]},
            {"attribute": attr_id["attr:year"], "value": str(s["year"])},
            {"attribute": attr_id["attr:countries"], "value": "; ".join(s["countries"])},
            {"attribute": attr_id["attr:material"], "value": s["material"]},
        ]
        if s["title"]:
            values.append({"attribute": attr_id["attr:title"], "value": s["title"]})
        if s["url"]:
            values.append({"attribute": attr_id["attr:url"], "value": s["url"]})
        desc = ["Table 1 row: \"(%s)\", country \"%s\", material type \"%s\"."
                % (s["cite"], s["table1"][0], s["table1"][1])]
        if s["reference"]:
            desc.append("Reference list: " + s["reference"])
        else:
            desc.append("Reference list: no entry.")
        if s["note"]:
            desc.append("Note: " + s["note"])
        desc.append("Text: the paper's verbatim quotes from this report, in paper order, "
                    "separated by a blank line; not the report itself.")
        project["sources"].append({
            "id": source_id[s["key"]], "name": s["cite"], "kind": "text",
            "description": "\n".join(desc), "text": texts[s["key"]],
            "values": values, "audit": audit()})

    for q in QUOTES:
        start, end = span[q["key"]]
        desc = "Cited in the paper as \"%s\" (Results, \"%s\")." % (q["cite"], SECTION[q["theme"]])
        if q["note"]:
            desc += " " + q["note"]
        project["excerpts"].append({
            "id": excerpt_id[q["key"]], "source": source_id[q["source"]],
            "name": excerpt_name(q["quote"]),
            "anchor": {"type": "text", "start": start, "end": end},
            "quote": q["quote"], "description": desc,
            "codings": [{"id": uid("coding:" + q["key"]), "theme": theme_id[q["theme"]],
                         "creator": user_id, "created": PUBLISHED}],
            "audit": audit()})

    project["memos"].append({"id": uid("memo:method"), "name": "Method", "text": METHOD_MEMO,
                             "audit": audit()})
    for m in LEVEL_MEMOS:
        project["memos"].append({"id": uid(m["key"]), "name": m["name"], "text": m["text"],
                                 "targets": [theme_id[m["level"]]], "audit": audit()})
    flagged = [q for q in QUOTES if q["key"] in ("q01", "q02", "q03", "q04", "q05", "q11", "q14", "q15")]
    project["memos"].append({
        "id": uid("memo:citations"), "name": "Inconsistencies in the paper's citations and quotes",
        "text": "\n\n".join(
            ["Quotes whose printed citation does not name a Table 1 row or reference exactly, "
             "whose context disagrees with Table 1, or that the paper prints twice, and how this "
             "sample maps them:"]
            + ["%s -> %s: %s" % (q["cite"], source_by_key[q["source"]]["cite"], q["note"])
               for q in flagged]),
        "targets": [excerpt_id[q["key"]] for q in flagged]
                   + [source_id["usdos-2021b"], source_id["unodc-2022a"]],
        "audit": audit()})

    table1_count = {c: sum(c in s["countries"] for s in SOURCES) for c in COUNTRIES}
    for c in COUNTRIES:
        members = [source_id[s["key"]] for s in SOURCES if c in s["countries"]]
        desc = "Central Asian country. Reports: %d per Table 1, %d per the paper's Results text." \
               % (table1_count[c], PAPER_COUNTS[c])
        if CASE_NOTES[c]:
            desc += " " + CASE_NOTES[c]
        project["cases"].append({
            "id": uid("case:" + c), "name": c, "description": desc,
            "values": [{"attribute": attr_id["attr:reports"], "value": str(table1_count[c])},
                       {"attribute": attr_id["attr:reports-paper"],
                        "value": str(PAPER_COUNTS[c])}],
            "sources": members})

    project["sets"] = [
        {"id": uid("set:macro"), "name": "Macrosystem interventions",
         "description": "The two macrosystem themes of Table 3.",
         "themes": [theme_id["collaboration"], theme_id["legislation"]]},
        {"id": uid("set:unreferenced"), "name": "Reports without a reference-list entry",
         "description": "Table 1 rows the paper's reference list does not contain (no title, "
                        "no URL).",
         "sources": [source_id[s["key"]] for s in SOURCES if s["reference"] is None]},
        {"id": uid("set:level-memos"), "name": "Discussion by ecological level",
         "description": "The memos holding the paper's Discussion for each level.",
         "memos": [uid(m["key"]) for m in LEVEL_MEMOS]},
    ]
    return project, table1_count


def quote_sheet():
    """The paper's spreadsheet layout: one row per Results quote, in paper order."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Source", "Verbatim quote", "Report source"])
    src = {s["key"]: s for s in SOURCES}
    for q in QUOTES:
        s = src[q["source"]]
        w.writerow([s["cite"], q["quote"], s["url"] or OUTLET[s["key"]]])
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Checks


def check_project(p):
    """Ids unique, references resolve, text anchors slice to their quotes."""
    errors = []
    ids = []
    def collect(kind, items):
        for it in items:
            ids.append((kind, it["id"]))
    collect("user", p["users"])
    collect("theme", p["themes"])
    collect("attribute", p["attributes"])
    collect("source", p["sources"])
    collect("excerpt", p["excerpts"])
    collect("memo", p["memos"])
    collect("case", p["cases"])
    collect("set", p["sets"])
    for e in p["excerpts"]:
        collect("coding", e["codings"])
    seen = {}
    for kind, i in ids:
        n = i.strip("{}").lower()
        if n in seen:
            errors.append("duplicate id %s (%s and %s)" % (i, seen[n], kind))
        seen[n] = kind
        if not re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}", i):
            errors.append("id %s is not an upper-case RFC 4122 v5 UUID" % i)
    kind_of = {i: k for k, i in ids}

    def ref(i, kinds, where):
        if kind_of.get(i) not in kinds:
            errors.append("%s: %s does not resolve to %s" % (where, i, "/".join(kinds)))

    users = ("user",)
    for a in [p["project"]["audit"]] + [x["audit"] for k in ("themes", "sources", "excerpts",
                                                             "memos") for x in p[k]]:
        ref(a["creator"], users, "audit creator")
    for t in p["themes"]:
        if "parent" in t:
            ref(t["parent"], ("theme",), "theme %s parent" % t["id"])
        if not re.fullmatch(r"#[0-9A-F]{6}", t["color"]):
            errors.append("theme %s colour %s" % (t["id"], t["color"]))
    colours = [t["color"] for t in p["themes"]]
    if len(set(colours)) != len(colours):
        errors.append("theme colours not distinct")
    attr_type = {a["id"]: a["type"] for a in p["attributes"]}
    for holder in p["sources"] + p["cases"]:
        for v in holder["values"]:
            ref(v["attribute"], ("attribute",), "%s value" % holder["id"])
            if attr_type.get(v["attribute"]) == "integer" and not re.fullmatch(r"-?[0-9]+",
                                                                               v["value"]):
                errors.append("%s: integer value %r" % (holder["id"], v["value"]))
    text_of = {s["id"]: s["text"] for s in p["sources"]}
    for e in p["excerpts"]:
        ref(e["source"], ("source",), "excerpt %s source" % e["id"])
        a = e["anchor"]
        t = text_of.get(e["source"], "")
        if not (a["type"] == "text" and 0 <= a["start"] < a["end"] <= len(t)):
            errors.append("excerpt %s anchor %r outside its source" % (e["id"], a))
        elif t[a["start"]:a["end"]] != e["quote"]:
            errors.append("excerpt %s: text[start:end] != quote" % e["id"])
        if len(e["codings"]) != 1:
            errors.append("excerpt %s has %d codings" % (e["id"], len(e["codings"])))
        for c in e["codings"]:
            ref(c["theme"], ("theme",), "coding %s theme" % c["id"])
            ref(c["creator"], users, "coding %s creator" % c["id"])
    codable = {t["id"]: t.get("codable", True) for t in p["themes"]}
    for e in p["excerpts"]:
        for c in e["codings"]:
            if not codable.get(c["theme"], True):
                errors.append("coding %s on a non-codable theme" % c["id"])
    for m in p["memos"]:
        for i in m.get("targets", []):
            ref(i, set(kind_of.values()) - {"coding"}, "memo %s target" % m["id"])
    for c in p["cases"]:
        for i in c.get("sources", []):
            ref(i, ("source",), "case %s source" % c["id"])
    for s in p["sets"]:
        for k, kinds in (("themes", ("theme",)), ("sources", ("source",)), ("memos", ("memo",))):
            for i in s.get(k, []):
                ref(i, kinds, "set %s %s" % (s["id"], k))
    # every source carries at least one excerpt; every quote of the paper is an excerpt
    used = {e["source"] for e in p["excerpts"]}
    for s in p["sources"]:
        if s["id"] not in used:
            errors.append("source %s has no excerpt" % s["name"])
    return errors


def check_seed(path):
    """Every quote, followed by its printed citation, occurs in the paper's text."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)            # [label](#) -> label
    text = re.sub(r"risks of\*\n.*?\n\*exploitation", "risks of exploitation", text,
                  flags=re.S)                                    # the quote split by a page
    errors = []
    for q in QUOTES:
        printed = "*" + q["quote"] + " " + q["cite"] + q["tail"] + "*"
        n = text.count(printed)
        if n != 1:
            errors.append("%s: printed quote found %d times in the seed" % (q["key"], n))
    italic = re.findall(r"^\*[^*\n].*?\*$", text, flags=re.M)
    quotes_in_results = [l for l in italic if text.index(l) > text.index("RESULT AND DISCUSSION")]
    if len(quotes_in_results) != len(QUOTES):
        errors.append("the seed's Results section has %d italic quotes, the sample %d"
                      % (len(quotes_in_results), len(QUOTES)))
    return errors


def dump(project):
    return json.dumps(project, indent=2, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; fail if the files on disk differ from the generated ones")
    ap.add_argument("--seed", metavar="MD", help="check the quotes against the paper's text")
    args = ap.parse_args()

    project, table1_count = build()
    errors = check_project(project)
    if args.seed:
        errors += check_seed(args.seed)
    if errors:
        for e in errors:
            print("make_sample: " + e, file=sys.stderr)
        return 1

    outputs = {JSON_NAME: dump(project), CSV_NAME: quote_sheet()}
    stale = []
    for name, content in outputs.items():
        path = os.path.join(HERE, name)
        if args.check:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    if f.read() != content:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(content)
    if stale:
        print("make_sample: out of date: " + ", ".join(stale), file=sys.stderr)
        return 1

    counts = {k: len(v) for k, v in project.items() if isinstance(v, list)}
    counts["codings"] = sum(len(e["codings"]) for e in project["excerpts"])
    print("make_sample: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("make_sample: reports per country (Table 1 / paper): "
          + ", ".join("%s %d/%d" % (c, table1_count[c], PAPER_COUNTS[c]) for c in COUNTRIES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
