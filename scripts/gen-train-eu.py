#!/usr/bin/env python3
"""gen-train-eu.py - write the German, French, Spanish, Italian and Dutch
parts of the default classifier's corpus (share/train/, CORPUS.md).

The originals are written by hand, one enquiry a line, in
scripts/train-eu/LANG.txt.  This script numbers them, adds noise variants
of well over half of them (typos and missing accents as typed on a phone,
a signature or legal footer, a quoted earlier reply of the business, a
forwarded message, a contact form's mail, the first line alone), each in
the group of its original, holds out about a fifth of the groups per
language and category, and writes share/train/{train,heldout}-LANG.jsonl,
sorted by id.  Standard
library only, fixed seed: every run writes the same bytes.

LANG-plain.txt, when there, is a later batch of plain, polite messages that
use the category's ordinary words; its lines come after LANG.txt's and its
groups are held out apart from theirs, so adding to it leaves every earlier
item, id and split as it was.

    scripts/gen-train-eu.py            write the files, print the tables
    scripts/gen-train-eu.py --check    write nothing; fail if the files differ
"""
import collections
import json
import os
import random
import sys
import unicodedata
import zlib

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(TOP, "scripts", "train-eu")
OUT = os.path.join(TOP, "share", "train")
LANGS = os.environ.get("EU_LANGS", "de fr es it nl").split()
CATS = {"q": "quote", "b": "booking", "$": "billing", "s": "support",
        "c": "complaint", "x": "cancellation", "g": "general"}
PRIS = {"u": "urgent", "h": "high", "n": "normal", "l": "low"}
MIN_ITEMS = {"de": 320, "fr": 320, "es": 320, "it": 220, "nl": 220}
VARIANT_SHARE = 0.58    # originals that get a noise variant
SECOND_SHARE = 0.08     # of those, the ones that get a second
HELDOUT_EVERY = 5       # one group in five per language and category

# What each language's mail looks like around the customer's words.
LOCALE = {
    "de": {
        "sig": ["Gesendet von meinem iPhone", "Von meinem Samsung Galaxy gesendet",
                "Viele Grüße\nThomas Krüger\nTel. 0171 4455667",
                "Mit freundlichen Grüßen\n\nSabine Vogt\nVogt Immobilien GmbH | Hauptstr. 4 | 79098 Freiburg\n"
                "Geschäftsführerin: Sabine Vogt, Amtsgericht Freiburg HRB 712345\n"
                "Diese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht der richtige Adressat sind, "
                "informieren Sie bitte sofort den Absender und vernichten Sie diese E-Mail.",
                "LG Jenny", "--\nGesendet mit der GMX Mail App"],
        "wrote": "Am {d}.{m}.2026 um {h}:{mi} schrieb {biz}:",
        "fwd": "---------- Weitergeleitete Nachricht ----------\nVon: {who}\nDatum: {d}.{m}.2026\nBetreff: {subj}\n",
        "fwd_note": ["Siehe unten, bitte um Rückmeldung.", "Zur Info, s.u.", "Hallo, ich leite Ihnen das nochmal weiter.", ""],
        "re": ["AW: ", "Re: ", "AW: AW: "], "fw": ["WG: ", "Fwd: "],
        "who": ["Markus Lehmann <m.lehmann@web.de>", "Petra Schulz <p.schulz@t-online.de>",
                "Büro Hartmann <buero@hartmann-hv.de>", "Ayşe Demir <ayse.demir@gmx.de>",
                "Stefan Huber <s.huber@aon.at>", "info@kanzlei-roth.ch"],
        "prev": ["Vielen Dank für Ihre Nachricht. Wir melden uns schnellstmöglich bei Ihnen.",
                 "anbei wie besprochen unser Angebot. Die Rechnung folgt nach Abschluss der Arbeiten.",
                 "gerne bestätigen wir Ihren Termin. Bei Absage bitte mindestens 24 Stunden vorher Bescheid geben.",
                 "Ihre Zahlung ist eingegangen, vielen Dank. Bei Fragen zur Rechnung stehen wir gern zur Verfügung.",
                 "es tut uns leid, dass Sie unzufrieden waren. Wir schauen uns das an.",
                 "der Techniker kommt wie vereinbart am Dienstag zwischen 8 und 12 Uhr.",
                 "leider können wir den Preis nicht halten, das Material ist teurer geworden.",
                 "Ihre Kündigung haben wir erhalten und bestätigen das Vertragsende."],
        "greet": "Guten Tag,", "bye": "Freundliche Grüße"},
    "fr": {
        "sig": ["Envoyé de mon iPhone", "Envoyé depuis mon mobile Orange",
                "Cordialement,\nNathalie Mercier\n06 45 78 12 90",
                "Bien à vous,\n\nFrançois Dupuis\nDupuis Conseil SARL - 14 rue de la République - 69002 Lyon\n"
                "Ce message et ses pièces jointes sont confidentiels. Si vous l'avez reçu par erreur, "
                "merci d'en informer l'expéditeur et de le supprimer.",
                "Bises, Manon", "--\nEnvoyé avec l'application Mail d'Orange"],
        "wrote": "Le {d}/{m}/2026 à {h}:{mi}, {biz} a écrit :",
        "fwd": "-------- Message transféré --------\nDe : {who}\nDate : {d}/{m}/2026\nObjet : {subj}\n",
        "fwd_note": ["Voir ci-dessous, merci de me répondre.", "Pour info.", "Bonjour, je vous transfère ce message.", ""],
        "re": ["RE: ", "Re : ", "RE: RE: "], "fw": ["TR: ", "Fwd: "],
        "who": ["Julie Martin <julie.martin@orange.fr>", "Paul Bernard <p.bernard@free.fr>",
                "Secrétariat <accueil@cabinet-leroy.fr>", "Karim Haddad <k.haddad@sfr.fr>",
                "Luc Dubois <luc.dubois@skynet.be>", "Chantal Gagnon <cgagnon@videotron.ca>"],
        "prev": ["Merci pour votre message, nous revenons vers vous au plus vite.",
                 "veuillez trouver ci-joint notre devis. La facture sera établie à la fin des travaux.",
                 "nous vous confirmons votre rendez-vous. En cas d'annulation, merci de prévenir 24 h avant.",
                 "nous avons bien reçu votre paiement. Pour toute question sur la facture, n'hésitez pas.",
                 "nous sommes désolés de ce désagrément et allons regarder cela.",
                 "le technicien passera comme convenu mardi entre 8 h et 12 h.",
                 "le tarif a malheureusement augmenté en raison du prix des matériaux.",
                 "nous avons bien pris note de votre résiliation."],
        "greet": "Bonjour,", "bye": "Cordialement"},
    "es": {
        "sig": ["Enviado desde mi iPhone", "Enviado desde mi smartphone Samsung Galaxy",
                "Un saludo,\nRaúl Jiménez\n655 123 987",
                "Atentamente,\n\nMaría Fernández\nFernández Asesores SL - C/ Alcalá 120 - 28009 Madrid\n"
                "Este mensaje y sus adjuntos son confidenciales. Si lo ha recibido por error, "
                "comuníquelo al remitente y elimínelo. Protección de datos: RGPD (UE) 2016/679.",
                "Besos, Ana", "--\nEnviado con Outlook para Android"],
        "wrote": "El {d}/{m}/2026, a las {h}:{mi}, {biz} escribió:",
        "fwd": "---------- Mensaje reenviado ---------\nDe: {who}\nFecha: {d}/{m}/2026\nAsunto: {subj}\n",
        "fwd_note": ["Os reenvío esto, a ver qué me decís.", "Para que lo veáis.", "Hola, te reenvío el correo de abajo.", ""],
        "re": ["RE: ", "Re: ", "RE: RE: "], "fw": ["RV: ", "Fwd: "],
        "who": ["Elena Romero <elena.romero@gmail.com>", "Jorge Molina <jmolina@hotmail.es>",
                "Administración <admin@fincas-soler.es>", "Lucía Castro <lcastro@yahoo.es>",
                "Diego Pérez <diego.perez@outlook.com.mx>", "Carmen Ruiz <carmen.ruiz@telefonica.net>"],
        "prev": ["Gracias por su mensaje, le contestaremos lo antes posible.",
                 "le adjuntamos el presupuesto. La factura se emitirá al terminar el trabajo.",
                 "le confirmamos la cita. Si necesita anularla, avísenos con 24 horas de antelación.",
                 "hemos recibido su pago, muchas gracias. Para cualquier duda con la factura, estamos a su disposición.",
                 "sentimos mucho las molestias, lo revisamos y le decimos algo.",
                 "el técnico pasará el martes entre las 8 y las 12 como quedamos.",
                 "lamentablemente el precio ha subido por el coste del material.",
                 "hemos recibido su solicitud de baja y confirmamos el fin del contrato."],
        "greet": "Hola,", "bye": "Un saludo"},
    "it": {
        "sig": ["Inviato da iPhone", "Inviato dal mio smartphone Huawei",
                "Cordiali saluti,\nMarco Rinaldi\n333 4567890",
                "Distinti saluti,\n\nGiulia Ferri\nFerri & Associati S.r.l. - Via Roma 21 - 20121 Milano\n"
                "Questo messaggio è riservato. Se lo avete ricevuto per errore, avvisate il mittente "
                "e cancellatelo. Informativa privacy ai sensi del GDPR.",
                "Un abbraccio, Chiara", "--\nInviato da Libero Mail per Android"],
        "wrote": "Il giorno {d}/{m}/2026 alle ore {h}:{mi} {biz} ha scritto:",
        "fwd": "---------- Messaggio inoltrato ---------\nDa: {who}\nData: {d}/{m}/2026\nOggetto: {subj}\n",
        "fwd_note": ["Vi giro la mail qui sotto.", "Per conoscenza.", "Buongiorno, vi inoltro il messaggio.", ""],
        "re": ["R: ", "Re: ", "R: R: "], "fw": ["I: ", "Fwd: "],
        "who": ["Laura Conti <laura.conti@libero.it>", "Paolo Greco <p.greco@gmail.com>",
                "Segreteria <segreteria@studio-villa.it>", "Giorgio Fontana <g.fontana@tiscali.it>",
                "Marta De Luca <marta.deluca@alice.it>", "Amministrazione <amm@condominio-verdi.it>"],
        "prev": ["Grazie per il messaggio, le risponderemo al più presto.",
                 "in allegato il preventivo. La fattura verrà emessa a fine lavori.",
                 "le confermiamo l'appuntamento. In caso di disdetta la preghiamo di avvisarci 24 ore prima.",
                 "abbiamo ricevuto il pagamento, grazie. Per domande sulla fattura siamo a disposizione.",
                 "ci dispiace per il disagio, verificheremo.",
                 "il tecnico passerà martedì tra le 8 e le 12 come concordato.",
                 "purtroppo il prezzo è aumentato per il costo dei materiali.",
                 "abbiamo ricevuto la sua disdetta e confermiamo la fine del contratto."],
        "greet": "Buongiorno,", "bye": "Saluti"},
    "nl": {
        "sig": ["Verzonden vanaf mijn iPhone", "Verstuurd vanaf mijn Samsung Galaxy",
                "Met vriendelijke groet,\nPieter de Vries\n06-12345678",
                "Met vriendelijke groet,\n\nAnnemieke Bakker\nBakker Advies B.V. | Stationsweg 12 | 3811 MA Amersfoort\n"
                "KvK 12345678. Dit bericht is uitsluitend bestemd voor de geadresseerde. Heeft u dit bericht "
                "per vergissing ontvangen, verwijder het dan en stel de afzender op de hoogte.",
                "Groetjes, Lotte", "--\nVerzonden met Outlook voor Android"],
        "wrote": "Op {d}-{m}-2026 om {h}:{mi} schreef {biz}:",
        "fwd": "---------- Doorgestuurd bericht ---------\nVan: {who}\nDatum: {d}-{m}-2026\nOnderwerp: {subj}\n",
        "fwd_note": ["Zie hieronder, graag een reactie.", "Ter info.", "Hallo, ik stuur dit nog even door.", ""],
        "re": ["Re: ", "Antw: ", "RE: RE: "], "fw": ["Doorst: ", "FW: "],
        "who": ["Sanne Jansen <sanne.jansen@ziggo.nl>", "Mark Visser <m.visser@kpnmail.nl>",
                "Secretariaat <info@vve-beheer-noord.nl>", "Tom Peeters <tom.peeters@telenet.be>",
                "Fatima el Amrani <f.elamrani@hotmail.com>", "Joost de Groot <joost@degroot-bv.nl>"],
        "prev": ["Bedankt voor uw bericht, we nemen zo snel mogelijk contact met u op.",
                 "in de bijlage vindt u onze offerte. De factuur volgt na afronding van de werkzaamheden.",
                 "hierbij bevestigen wij uw afspraak. Afzeggen graag uiterlijk 24 uur van tevoren.",
                 "uw betaling is ontvangen, dank u wel. Vragen over de factuur? Laat het ons weten.",
                 "het spijt ons dat u niet tevreden bent, we zoeken het uit.",
                 "de monteur komt zoals afgesproken dinsdag tussen 8 en 12 uur.",
                 "helaas is de prijs gestegen door de hogere materiaalkosten.",
                 "uw opzegging is ontvangen, hierbij bevestigen wij de einddatum."],
        "greet": "Goedemiddag,", "bye": "Groet"},
}

# The business that answered, by language, for the quoted-reply header.
BIZNAME = {
    "de": "Service-Team <info@{b}-mueller.de>", "fr": "L'équipe <contact@{b}-durand.fr>",
    "es": "Atención al cliente <info@{b}-garcia.es>", "it": "Staff <info@{b}-rossi.it>",
    "nl": "Klantenservice <info@{b}-dejong.nl>",
}


# A website's contact form, as its mail arrives: subject, field labels,
# names, and the footer the form adds.
FORM = {
    "de": ("Neue Anfrage über das Kontaktformular", "Name", "E-Mail", "Telefon", "Nachricht",
           "Diese E-Mail wurde über das Kontaktformular auf Ihrer Website gesendet.",
           ["Lena Fischer", "Murat Yıldız", "Jürgen Weber", "Katharina Braun"]),
    "fr": ("Nouveau message depuis le formulaire de contact", "Nom", "E-mail", "Téléphone", "Message",
           "Ce message a été envoyé depuis le formulaire de contact de votre site.",
           ["Camille Robert", "Yassine Benali", "Sophie Lefèbvre", "Jean-Marc Petit"]),
    "es": ("Nuevo mensaje desde el formulario web", "Nombre", "Email", "Teléfono", "Mensaje",
           "Este mensaje se ha enviado desde el formulario de contacto de su web.",
           ["Laura Gómez", "Andrés Ortega", "Marta Sánchez", "José Luis Ramos"]),
    "it": ("Nuovo messaggio dal modulo di contatto", "Nome", "Email", "Telefono", "Messaggio",
           "Questo messaggio è stato inviato dal modulo di contatto del vostro sito.",
           ["Giulia Romano", "Davide Costa", "Francesca Rizzo", "Matteo Bruno"]),
    "nl": ("Nieuw bericht via het contactformulier", "Naam", "E-mail", "Telefoon", "Bericht",
           "Dit bericht is verstuurd via het contactformulier op uw website.",
           ["Femke de Wit", "Youssef Amrani", "Daan Bos", "Lieve Maes"]),
}


def read_originals(lang):
    """The hand-written lines of LANG.txt, then of LANG-plain.txt, as dicts,
    in file order."""
    items = []
    for name in (lang, lang + "-plain"):
        path = os.path.join(SRC, name + ".txt")
        if name == lang or os.path.exists(path):
            items += read_file(path, name != lang)
    return items


def read_file(path, plain):
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            parts = line.split("|")
            if len(parts) != 5 or parts[1] not in CATS or parts[2] not in PRIS or not parts[4]:
                sys.exit("gen-train-eu: %s:%d: want business|cat|pri|subject|body" % (path, n))
            biz, cat, pri, subj, body = parts
            items.append({"business": biz, "category": CATS[cat], "priority": PRIS[pri],
                          "subject": subj, "body": body.replace("\\n", "\n"), "plain": plain})
    return items


def strip_accents(s):
    out = []
    for ch in s:
        if ch == "ß":
            out.append("ss")
            continue
        d = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in d if not unicodedata.combining(c)) or ch)
    return "".join(out)


def typo_word(w, rng):
    """One slip of the thumb in a word of at least 5 letters."""
    i = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if kind == 1:
        return w[:i] + w[i + 1:]
    if kind == 2:
        return w[:i] + w[i] + w[i:]
    near = {"a": "s", "e": "r", "i": "o", "o": "i", "n": "m", "m": "n", "r": "t", "t": "r", "s": "a", "u": "z"}
    return w[:i] + near.get(w[i], w[i]) + w[i + 1:]


def phone_typed(text, rng):
    """Typed in a hurry on a phone: accents lost, a few slips, less care."""
    if rng.random() < 0.8:
        text = strip_accents(text)
    words = text.split(" ")
    n = max(1, len(words) // 9)
    for _ in range(n):
        k = rng.randrange(len(words))
        w = words[k]
        if len(w) >= 5 and w.isalpha():
            words[k] = typo_word(w, rng)
    text = " ".join(words)
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = text.replace(", ", " ").replace("!", "").replace("¿", "").replace("¡", "")
    return text


def when(rng):
    return {"d": "%02d" % rng.randrange(1, 29), "m": "%02d" % rng.randrange(1, 13),
            "h": "%02d" % rng.randrange(7, 20), "mi": "%02d" % rng.randrange(60)}


def variant(item, lang, rng, kind):
    """A noise variant of a hand-written item; labels unchanged."""
    loc = LOCALE[lang]
    subj, body = item["subject"], item["body"]
    if kind == "typo":
        body = phone_typed(body, rng)
        subj = strip_accents(subj) if rng.random() < 0.5 else ""
        if rng.random() < 0.5:
            body += "\n\n" + loc["sig"][rng.randrange(2)]
    elif kind == "sig":
        body += "\n\n" + rng.choice(loc["sig"][2:])
    elif kind == "quoted":
        w = when(rng)
        head = loc["wrote"].format(biz=BIZNAME[lang].format(b=item["business"]), **w)
        prev = [loc["greet"], rng.choice(loc["prev"]), rng.choice(loc["prev"]), loc["bye"]]
        body += "\n\n" + head + "\n" + "\n".join("> " + p for p in prev)
        subj = rng.choice(loc["re"]) + subj
    elif kind == "fwd":
        w = when(rng)
        note = rng.choice(loc["fwd_note"])
        head = loc["fwd"].format(who=rng.choice(loc["who"]), subj=subj, **w)
        body = (note + "\n\n" if note else "") + head + "\n" + body
        subj = rng.choice(loc["fw"]) + subj
    elif kind == "form":
        title, n_, e_, t_, m_, foot, names = FORM[lang]
        who = rng.choice(names)
        mail = strip_accents(who.lower().replace(" ", ".").replace("ı", "i")) + "@example.com"
        fields = [n_ + ": " + who, e_ + ": " + mail]
        if rng.random() < 0.5:
            fields.append(t_ + ": 0%d %07d" % (rng.randrange(150, 180), rng.randrange(10 ** 7)))
        if subj:
            fields.append({"de": "Betreff", "fr": "Objet", "es": "Asunto", "it": "Oggetto", "nl": "Onderwerp"}[lang] + ": " + subj)
        body = "\n".join(fields) + "\n" + m_ + ": " + body + "\n\n--\n" + foot
        subj = title
    elif kind == "bare":
        # No subject, no greeting line kept: the body alone, tidied down.
        subj = ""
        body = body.split("\n")[0]
    return dict(item, subject=subj, body=body)


KINDS = ["typo", "typo", "typo", "sig", "quoted", "quoted", "fwd", "form", "bare"]


def build(lang):
    rng = random.Random(zlib.crc32(("opflow-train-" + lang).encode()))
    originals = read_originals(lang)
    seq = collections.Counter()
    records = []
    for item in originals:
        biz = item["business"]
        seq[biz] += 1
        group = "%s-%s-%d" % (lang, biz, seq[biz])
        out = [item]
        if rng.random() < VARIANT_SHARE:
            kinds = [rng.choice(KINDS)]
            if rng.random() < SECOND_SHARE:
                kinds.append(rng.choice([k for k in KINDS if k != kinds[0]]))
            for k in kinds:
                v = variant(item, lang, rng, k)
                if (v["subject"], v["body"]) != (item["subject"], item["body"]):
                    out.append(v)
        for it in out:
            records.append(dict(it, lang=lang, group=group))
    # ids: LANG-BUSINESS-NNNN in the order written
    num = collections.Counter()
    for r in records:
        num[r["business"]] += 1
        r["id"] = "%s-%s-%04d" % (lang, r["business"], num[r["business"]])
    return originals, records


def split(lang, records):
    """The held-out groups: a fifth of each category's groups (rounded),
    each pick the group whose business has the fewest held out so far, ties
    broken by a hash of the group's name, so every category and every
    business is held out and the choice does not follow the file's order.
    The plain batch is split on its own."""
    return split_groups([r for r in records if not r["plain"]]) | split_groups([r for r in records if r["plain"]])


def split_groups(records):
    groups = collections.OrderedDict()
    for r in records:
        groups.setdefault(r["group"], r)
    held, per_biz = set(), collections.Counter()
    for cat in CATS.values():
        gs = sorted((g for g, r in groups.items() if r["category"] == cat),
                    key=lambda g: zlib.crc32(g.encode()))
        for _ in range(round(len(gs) / HELDOUT_EVERY)):
            g = min((g for g in gs if g not in held), key=lambda g: per_biz[groups[g]["business"]])
            held.add(g)
            per_biz[groups[g]["business"]] += 1
    return held


KEYS = ["id", "lang", "business", "subject", "body", "category", "priority", "group"]


def line(r):
    return json.dumps({k: r[k] for k in KEYS}, ensure_ascii=False, separators=(",", ":")) + "\n"


def validate(lang, originals, records, held):
    errs = []
    for r in records:
        if set(r) < set(KEYS) or r["category"] not in CATS.values() or r["priority"] not in PRIS.values():
            errs.append("%s: bad record" % r.get("id"))
    n = len(records)
    if n < MIN_ITEMS[lang]:
        errs.append("%s: %d items, want >= %d" % (lang, n, MIN_ITEMS[lang]))
    if len(originals) < 0.6 * n:
        errs.append("%s: %d originals of %d items, want >= 60 %%" % (lang, len(originals), n))
    cat = collections.Counter(r["category"] for r in records)
    for c in CATS.values():
        if cat[c] < 0.08 * n:
            errs.append("%s: category %s is %d of %d, want >= 8 %%" % (lang, c, cat[c], n))
    for part in ("train", "heldout"):
        rs = [r for r in records if (r["group"] in held) == (part == "heldout")]
        for c in CATS.values():
            if not any(r["category"] == c for r in rs):
                errs.append("%s: no %s item in %s" % (lang, c, part))
        for b in {r["business"] for r in records}:
            if not any(r["business"] == b for r in rs):
                errs.append("%s: no %s item in %s" % (lang, b, part))
    if len({r["id"] for r in records}) != n:
        errs.append("%s: duplicate ids" % lang)
    texts = collections.Counter(o["body"] for o in originals)
    errs += ["%s: written twice: %s" % (lang, t[:60]) for t, k in texts.items() if k > 1]
    return errs


def table(lang, originals, records, held):
    n = len(records)
    ho = [r for r in records if r["group"] in held]
    cat = collections.Counter(r["category"] for r in records)
    pri = collections.Counter(r["priority"] for r in records)
    biz = collections.Counter(r["business"] for r in records)
    rows = ["%s: %d items (%d written by hand, %d variants), %d groups; train %d, heldout %d (%d groups)"
            % (lang, n, len(originals), n - len(originals), len({r["group"] for r in records}),
               n - len(ho), len(ho), len({r["group"] for r in ho}))]
    rows.append("  category  " + "  ".join("%s %d (%.0f%%)" % (c, cat[c], 100.0 * cat[c] / n) for c in CATS.values()))
    rows.append("  priority  " + "  ".join("%s %d (%.0f%%)" % (p, pri[p], 100.0 * pri[p] / n) for p in PRIS.values()))
    rows.append("  business  " + "  ".join("%s %d" % (b, biz[b]) for b in sorted(biz)))
    return rows


def main():
    check = "--check" in sys.argv[1:]
    errs, report, stale = [], [], []
    for lang in LANGS:
        originals, records = build(lang)
        held = split(lang, records)
        errs += validate(lang, originals, records, held)
        report += table(lang, originals, records, held)
        records.sort(key=lambda r: r["id"])
        for part in ("train", "heldout"):
            text = "".join(line(r) for r in records if (r["group"] in held) == (part == "heldout"))
            path = os.path.join(OUT, "%s-%s.jsonl" % (part, lang))
            if check:
                try:
                    with open(path, encoding="utf-8") as f:
                        if f.read() != text:
                            stale.append(path)
                except OSError:
                    stale.append(path)
            else:
                os.makedirs(OUT, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    print("\n".join(report))
    for e in errs + ["%s differs from what the script writes" % p for p in stale]:
        print("gen-train-eu: " + e, file=sys.stderr)
    return 1 if errs or stale else 0


if __name__ == "__main__":
    sys.exit(main())
