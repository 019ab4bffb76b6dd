#!/usr/bin/env python3
"""gen-train-en.py - write the English part of the default classifier's
corpus: share/train/train-en.jsonl and share/train/heldout-en.jsonl.

The originals are written by hand, one file per kind of business, in
scripts/gen-train-en.d/BUSINESS.txt:

    == CATEGORY PRIORITY | subject (empty after the bar: no subject)
    body lines ...

Each original is a group (en-BUSINESS-NNN).  Some of them get noise
variants (typos, a signature, a quoted earlier reply of the business, a
forward, phone-typed lower case, British/US spelling, a German or Spanish
greeting, a website contact form, a voicemail transcript), drawn from a fixed seed, in the same group.  About 20 % of the
groups of each business and category are held out.  Standard library only;
the same data give the same bytes.

BUSINESS-plain.txt is a later batch of plain, polite messages that use the
category's ordinary words ("Please send me a quote for ...").  Its
variants and its held-out groups are drawn from a random stream of their
own, so adding to it leaves every earlier item, id and split as it was.

    scripts/gen-train-en.py            write the files, print the checks
    scripts/gen-train-en.py --tables   print the balance tables only
    scripts/gen-train-en.py --check    check the committed files are what it writes
"""
import json, os, random, re, sys
from collections import Counter, defaultdict

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
DATA = os.path.join(TOP, 'scripts', 'gen-train-en.d')
OUT = os.path.join(TOP, 'share', 'train')
CATS = ['quote', 'booking', 'billing', 'support', 'complaint', 'cancellation', 'general']
PRIS = ['urgent', 'high', 'normal', 'low']
SEED = 20261203
VARIANT_SHARE = {'urgent': 0.8, 'high': 0.7, 'normal': 0.62, 'low': 0.45}
HELD = 0.2

# The business's own name, for quoted replies and forwards.
NAMES = {
	'plumber': 'Harbour Plumbing', 'heating': 'Northside Heating', 'electrician': 'Brightwire Electrical',
	'bakery': 'Crumb & Co Bakery', 'restaurant': 'The Olive Table', 'dental': 'Parkview Dental',
	'physio': 'Active Physio Clinic', 'vet': 'Meadow Vets', 'salon': 'Studio Nine Hair',
	'itservices': 'Keystone IT', 'webagency': 'Pixel & Pine', 'accountant': 'Lane Accountancy',
	'lawyer': 'Carter Reid Solicitors', 'weddingvenue': 'Ashcombe Barn', 'hotel': 'The Quay House B&B',
	'garage': 'Millfield Motors', 'cleaning': 'Sparkle Cleaning', 'photographer': 'Emma Hale Photography',
	'gym': 'IronWorks Gym', 'estateagent': 'Fenwick Lettings', 'florist': 'Petal Lane Florist',
	'drivingschool': 'Green Light Driving School', 'tutor': 'Brightmind Tutoring',
	'removals': 'Swift Move Removals', 'nursery': 'Little Acorns Nursery', 'optician': 'Clearview Opticians',
	'locksmith': 'KeyFix Locksmiths', 'builder': 'Stonebridge Builders', 'gardener': 'Greenleaf Gardens',
	'printshop': 'Inkwell Print', 'catering': 'Fork & Feast Catering', 'pestcontrol': 'Guardian Pest Control',
	'petgroomer': 'Waggy Tails Grooming', 'roofer': 'Topline Roofing', 'kennels': 'Hillside Kennels & Cattery',
	'tattoo': 'Black Anchor Tattoo', 'carhire': 'Easyway Car & Van Hire', 'beauty': 'Polished Nails & Beauty',
	'windowcleaner': 'Crystal Clear Window Cleaning',
}


def load():
	"""Return [(business, n, category, priority, subject, body, plain)].

	BUSINESS.txt and BUSINESS-*.txt (later batches) are one business; its
	originals are numbered on across them."""
	items = []
	count = Counter()
	files = [fn for fn in os.listdir(DATA) if fn.endswith('.txt')]
	for fn in sorted(files, key=lambda fn: (fn[:-4].split('-')[0], fn[:-4])):
		biz = fn[:-4].split('-')[0]
		plain = fn.endswith('-plain.txt')
		cur = None
		def close():
			if cur is not None:
				body = '\n'.join(cur[4]).strip('\n')
				if not body.strip():
					sys.exit('%s: item %d has no body' % (fn, cur[1]))
				items.append((biz, cur[1], cur[2], cur[3], cur[5], body, plain))
		with open(os.path.join(DATA, fn), encoding='utf-8') as f:
			for lineno, line in enumerate(f, 1):
				line = line.rstrip('\n')
				if line.startswith('== '):
					close()
					head, _, subj = line[3:].partition('|')
					w = head.split()
					if len(w) != 2 or w[0] not in CATS or w[1] not in PRIS:
						sys.exit('%s:%d: bad header %r' % (fn, lineno, line))
					count[biz] += 1
					cur = [biz, count[biz], w[0], w[1], [], subj.strip()]
				elif line.startswith('#') and cur is None:
					continue
				elif cur is None:
					if line.strip():
						sys.exit('%s:%d: text before the first ==' % (fn, lineno))
				else:
					cur[4].append(line)
			close()
	return items

# ---- noise ---------------------------------------------------------------

TYPOS = {
	'cancel': 'cancle', 'receipt': 'reciept', 'appointment': 'apointment', 'receive': 'recieve',
	'received': 'recieved', 'quotation': 'quoation', 'quote': 'qoute', 'definitely': 'definately',
	'tomorrow': 'tommorow', 'because': 'becuase', 'which': 'wich', 'their': 'thier',
	'separate': 'seperate', 'necessary': 'neccessary', 'available': 'availble', 'schedule': 'shedule',
	'invoice': 'invoce', 'business': 'buisness', 'until': 'untill', 'really': 'realy',
	'accommodate': 'accomodate', 'Wednesday': 'Wednseday', 'February': 'Febuary',
	'weird': 'wierd', 'believe': 'beleive', 'booking': 'bookng', 'please': 'plese',
	'would': 'woud', 'could': 'coud', 'there': 'ther', 'thanks': 'thnaks', 'payment': 'paymnet',
	'appreciate': 'apreciate', 'address': 'adress', 'completely': 'completly', 'beginning': 'begining',
	'occurred': 'occured', 'immediately': 'immediatly', 'message': 'mesage', 'tonight': 'tonite',
	'morning': 'mornign', 'possible': 'possibel', 'different': 'diffrent', 'already': 'allready',
	'problem': 'probelm', 'booked': 'bookd', 'arrange': 'arange', 'refund': 'refnd',
	'charged': 'chraged', 'cancelled': 'canceled', 'wedding': 'weding', 'Saturday': 'Saturaday',
}
UK_US = [('colour', 'color'), ('cancelled', 'canceled'), ('organise', 'organize'), ('favour', 'favor'),
	('centre', 'center'), ('realise', 'realize'), ('apologise', 'apologize'), ('neighbour', 'neighbor'),
	('programme', 'program'), ('cheque', 'check'), ('metre', 'meter'), ('flat', 'apartment'),
	('mobile', 'cell'), ('holiday', 'vacation'), ('post code', 'zip code'), ('postcode', 'zip code'),
	('behaviour', 'behavior'), ('licence', 'license'), ('analyse', 'analyze'), ('tyre', 'tire')]
FIRST = ['Sarah', 'James', 'Priya', 'Tom', 'Aisha', 'Gareth', 'Chloe', 'Mohammed', 'Ellen', 'Dave',
	'Katarzyna', 'Ben', 'Olu', 'Fiona', 'Raj', 'Hannah', 'Liam', 'Mei', 'Patrick', 'Zoe', 'Steve', 'Ngozi']
LAST = ['Walker', 'Patel', 'Hughes', 'Okafor', 'Brennan', 'Nowak', 'Clarke', 'Ahmed', 'Murray', 'Lewis',
	'Chen', 'Doyle', 'Evans', 'Kaur', 'Fraser', 'Price', 'Turner', 'Osei', 'Byrne', 'Wright']
PHONES = ['07700 900123', '07700 900 456', '+44 7700 900789', '0161 496 0321', '020 7946 0958',
	'(212) 555-0147', '0117 496 0112', '07700 900 614']
DISCLAIMERS = [
	'This email and any attachments are confidential and intended solely for the addressee. '
	'If you have received it in error please notify the sender and delete it.',
	'CONFIDENTIALITY NOTICE: The information in this message is private. Any unauthorised use is prohibited.',
	'Please consider the environment before printing this email.',
	'Registered in England and Wales No. 08123456. Registered office: 4 Mill Street, Leeds LS1 4AB.',
]
DEVICES = ['Sent from my iPhone', 'Sent from my Samsung Galaxy', 'Sent from Outlook for Android',
	'Get Outlook for iOS', 'Sent from Yahoo Mail on Android', 'Sent from my iPad']
# Earlier messages of the business, quoted under the customer's new text:
# they name other categories' words on purpose, so that what decides is the
# new text, not the quote.
QUOTED = [
	'Thanks for your booking, we look forward to seeing you. Your invoice is attached; '
	'if you need to cancel please give us 48 hours notice.',
	'Hi, following up on your enquiry. Our prices start from 60 pounds and we have availability next week. '
	'Let us know if you would like a quote.',
	'Dear customer, your payment has been received, thank you. If anything is not working as it should, '
	'reply to this email and we will help.',
	'We are sorry to hear about your experience. We take every complaint seriously and will look into it.',
	'Just a reminder that your appointment is on Thursday at 10am. To reschedule or cancel, reply to this message.',
	'Thank you for getting in touch. Our opening hours are Mon-Fri 9-5 and Saturday 9-1. '
	'Parking is available at the rear.',
	'Please find attached the estimate we discussed. The quote is valid for 30 days. Payment terms are 14 days from invoice.',
	'Your refund has been processed and should reach your account in 3-5 working days.',
]
DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
GREET = [('Hallo,', 'Danke und viele Grüße'), ('Hola,', 'Gracias, saludos'), ('Guten Tag,', 'Vielen Dank!'),
	('Buenos días,', 'Un saludo'), ('Hallo zusammen,', 'Liebe Grüße'), ('Hola!', 'Muchas gracias')]


def person(r):
	return r.choice(FIRST), r.choice(LAST)


def typos(r, s):
	words = list(TYPOS)
	hit = [w for w in words if re.search(r'\b%s\b' % re.escape(w), s)]
	r.shuffle(hit)
	for w in hit[:r.randint(1, 3)]:
		s = re.sub(r'\b%s\b' % re.escape(w), TYPOS[w], s, count=1)
	# a slip of the finger or two: swap two letters of a long word
	toks = re.findall(r'[A-Za-z]{6,}', s)
	for t in r.sample(toks, min(len(toks), r.randint(1, 2))):
		i = r.randint(1, len(t) - 3)
		s = s.replace(t, t[:i] + t[i + 1] + t[i] + t[i + 2:], 1)
	return s


def signature(r, s):
	fn, ln = person(r)
	parts = [s, '']
	style = r.randint(0, 3)
	if style == 0:
		parts += ['Thanks', fn]
	elif style == 1:
		parts += ['Kind regards,', '', '%s %s' % (fn, ln), 'Mob: ' + r.choice(PHONES)]
	elif style == 2:
		parts += ['--', '%s %s' % (fn, ln), r.choice(['Office Manager', 'Director', 'Operations', 'Facilities']),
			r.choice(PHONES), '', r.choice(DISCLAIMERS)]
	else:
		parts += ['%s' % fn]
	if r.random() < 0.5:
		parts += ['', r.choice(DEVICES)]
	return '\n'.join(parts)


def when(r):
	return '%s, %d %s 2026 at %02d:%02d' % (r.choice(DAYS), r.randint(1, 28), r.choice(MONTHS),
		r.randint(8, 18), r.randint(0, 59))


def quoted(r, s, biz):
	q = r.choice(QUOTED)
	lines = ['> ' + l for l in re.findall(r'.{1,70}(?:\s|$)', q)]
	lines = [l.rstrip() for l in lines]
	dom = re.sub(r'[^a-z]', '', NAMES[biz].lower()) + '.co.uk'
	return '%s\n\nOn %s, %s <info@%s> wrote:\n%s\n> %s' % (
		s, when(r), NAMES[biz], dom, '\n'.join(lines), NAMES[biz])


def forward(r, s, subj):
	fn, ln = person(r)
	note = r.choice(['', 'See below.', 'Forwarding this as my partner asked me to.', 'Sending again from my work email.',
		'FYI - can you deal with this please', 'Resending, not sure the first one arrived.'])
	fwd = ['---------- Forwarded message ---------',
		'From: %s %s <%s.%s@example.com>' % (fn, ln, fn.lower(), ln.lower()),
		'Date: %s' % when(r), 'Subject: %s' % (subj or '(no subject)'),
		'To: %s <%s@example.com>' % (fn, fn.lower()), '', s]
	return ((note + '\n\n') if note else '') + '\n'.join(fwd)


def phone(r, s):
	s = s.lower().replace('\n\n', '\n').replace('. ', ' ').replace("'", '')
	s = re.sub(r'\bi\b', 'i', s)
	s = re.sub(r'\byou\b', 'u', s) if r.random() < 0.5 else s
	return s.rstrip('.')


def spelling(r, s):
	out = s
	for uk, us in UK_US:
		if re.search(r'\b%s\b' % uk, out):
			out = re.sub(r'\b%s\b' % uk, us, out)
		elif re.search(r'\b%s\b' % us, out):
			out = re.sub(r'\b%s\b' % us, uk, out)
	return out if out != s else None


def mixed(r, s):
	g, c = r.choice(GREET)
	s = re.sub(r'^(Hi|Hello|Dear|Hey|Good morning|Morning|Afternoon)\b[^\n]*\n+', '', s)
	return '%s\n\n%s\n\n%s' % (g, s, c)


def webform(r, s, subj):
	"""The body as a website contact form sends it."""
	fn, ln = person(r)
	lines = ['Name: %s %s' % (fn, ln), 'Email: %s.%s@example.com' % (fn.lower(), ln.lower())]
	if r.random() < 0.6:
		lines.append('Phone: ' + r.choice(PHONES))
	if subj and r.random() < 0.5:
		lines.append('Subject: ' + subj)
	lines += ['Message: ' + s, '', '--', 'This e-mail was sent from a contact form on your website.']
	return '\n'.join(lines)


def voicemail(r, s):
	"""The body as a phone system's transcript of a voicemail."""
	t = re.sub(r'\s+', ' ', s).replace("'", '').lower()
	t = re.sub(r'[!?;:()]', '', t)
	return 'Voicemail from %s (%d sec):\n"hi %s thanks bye"' % (r.choice(PHONES), r.randint(14, 95), t.rstrip('.'))


def variant(r, kind, biz, subj, body):
	"""Return (subject, body) of a variant, or None when the kind does not apply."""
	if kind == 'typo':
		b = typos(r, body)
		return (typos(r, subj) if r.random() < 0.3 else subj, b) if b != body else None
	if kind == 'sig':
		return subj, signature(r, body)
	if kind == 'quote':
		return ('Re: ' + subj if subj else 'Re: your enquiry'), quoted(r, body, biz)
	if kind == 'fwd':
		return 'Fwd: ' + subj if subj else 'Fwd:', forward(r, body, subj)
	if kind == 'phone':
		return ('' if r.random() < 0.6 else subj.lower()), phone(r, body)
	if kind == 'spell':
		b = spelling(r, body)
		return (subj, b) if b else None
	if kind == 'mixed':
		return subj, mixed(r, body)
	if kind == 'webform':
		return r.choice(['New enquiry from website', 'Website enquiry', 'Contact form submission']), webform(r, body, subj)
	if kind == 'voicemail':
		return r.choice(['Voicemail', 'New voicemail', 'Missed call and voicemail']), voicemail(r, body)
	if kind == 'subject':
		return r.choice(['', 'Hi', 'Question', 'Enquiry', '(no subject)', 'Quick one', 'Hello', 'Message from website']), body
	raise ValueError(kind)

KINDS = ['typo', 'typo', 'sig', 'sig', 'quote', 'quote', 'fwd', 'phone', 'spell', 'mixed', 'subject', 'subject',
	'webform', 'voicemail']


def build():
	items = load()
	# the plain batch (BUSINESS-plain.txt) has a stream of its own
	rs = {False: random.Random(SEED), True: random.Random(SEED + 1)}
	recs = []
	groups = {False: defaultdict(list), True: defaultdict(list)}	# plain -> (biz, cat) -> [group]
	for biz, n, cat, pri, subj, body, plain in items:
		r = rs[plain]
		g = 'en-%s-%03d' % (biz, n)
		groups[plain][(biz, cat)].append(g)
		texts = [(subj, body)]
		# urgent items are the rarest originals and low ones the commonest: their
		# share of variants evens the priorities out towards the target
		k = 1 if r.random() < VARIANT_SHARE[pri] else 0
		if r.random() < 0.2:
			k += 1
		tried = 0
		kinds = []
		while len(texts) < 1 + k and tried < 10:
			tried += 1
			kind = r.choice(KINDS)
			if kind in kinds:
				continue
			v = variant(r, kind, biz, subj, body)
			if v and v not in texts:
				texts.append(v)
				kinds.append(kind)
		for s, b in texts:
			recs.append({'biz': biz, 'subject': s, 'body': b, 'category': cat, 'priority': pri, 'group': g})
	held = set()
	for plain in (False, True):
		r = rs[plain]
		for key in sorted(groups[plain]):
			gs = sorted(groups[plain][key])
			k = int(round(len(gs) * HELD))
			if len(gs) >= 2:
				k = max(k, 1)
			held.update(r.sample(gs, k))
	count = Counter()
	out = {'train': [], 'heldout': []}
	for rec in recs:
		biz = rec['biz']
		count[biz] += 1
		o = {'id': 'en-%s-%04d' % (biz, count[biz]), 'lang': 'en', 'business': biz,
			'subject': rec['subject'], 'body': rec['body'], 'category': rec['category'],
			'priority': rec['priority'], 'group': rec['group']}
		out['heldout' if rec['group'] in held else 'train'].append(o)
	for k in out:
		out[k].sort(key=lambda o: o['id'])
	return items, out


KEYS = ['id', 'lang', 'business', 'subject', 'body', 'category', 'priority', 'group']


def check(items, out):
	ok = True
	seen = set()
	gsplit = {}
	for part, recs in out.items():
		for o in recs:
			if list(o) != KEYS or o['category'] not in CATS or o['priority'] not in PRIS or o['lang'] != 'en':
				print('bad record', o['id']); ok = False
			if o['id'] in seen:
				print('duplicate id', o['id']); ok = False
			seen.add(o['id'])
			if gsplit.setdefault(o['group'], part) != part:
				print('group in both parts', o['group']); ok = False
	allr = out['train'] + out['heldout']
	first = {}
	for o in allr:
		g = first.setdefault(o['body'], o['group'])
		if g != o['group']:
			print('same body in groups %s and %s' % (g, o['group'])); ok = False
	n = len(allr)
	cc = Counter(o['category'] for o in allr)
	pc = Counter(o['priority'] for o in allr)
	for c in CATS:
		if cc[c] < 0.08 * n:
			print('category under 8 %%: %s %d' % (c, cc[c])); ok = False
	for part in out:
		cells = {(o['business'], o['category']) for o in out[part]}
		for biz, cat in {(o['business'], o['category']) for o in allr}:
			if (biz, cat) not in cells:
				print('cell %s/%s missing from %s' % (biz, cat, part))
	if n < 1800 or len(items) < 1000:
		print('too few: %d items, %d originals' % (n, len(items))); ok = False
	return ok


def tables(items, out):
	allr = out['train'] + out['heldout']
	n = len(allr)
	L = []
	L.append('Items: %d (%d originals, %d noise variants), %d kinds of business.' % (
		n, len(items), n - len(items), len({o['business'] for o in allr})))
	L.append('Train %d items (%d groups), held out %d items (%d groups).' % (
		len(out['train']), len({o['group'] for o in out['train']}),
		len(out['heldout']), len({o['group'] for o in out['heldout']})))
	L.append('')
	L.append('Items per category x priority (all; held-out in brackets):')
	L.append('')
	L.append('  %-13s' % '' + ''.join('%12s' % p for p in PRIS) + '%12s%8s' % ('total', 'share'))
	cp = Counter((o['category'], o['priority']) for o in allr)
	ch = Counter((o['category'], o['priority']) for o in out['heldout'])
	for c in CATS:
		row = ''.join('%12s' % ('%d (%d)' % (cp[c, p], ch[c, p])) for p in PRIS)
		t = sum(cp[c, p] for p in PRIS)
		th = sum(ch[c, p] for p in PRIS)
		L.append('  %-13s' % c + row + '%12s%7.1f%%' % ('%d (%d)' % (t, th), 100.0 * t / n))
	pt = Counter(o['priority'] for o in allr)
	L.append('  %-13s' % 'total' + ''.join('%12d' % pt[p] for p in PRIS) + '%12d' % n)
	L.append('  %-13s' % 'share' + ''.join('%11.1f%%' % (100.0 * pt[p] / n) for p in PRIS))
	L.append('')
	L.append('Items per business (train / held out):')
	L.append('')
	bt = Counter(o['business'] for o in out['train'])
	bh = Counter(o['business'] for o in out['heldout'])
	bo = Counter(i[0] for i in items)
	L.append('  %-14s%10s%8s%8s' % ('business', 'originals', 'train', 'heldout'))
	for b in sorted(bo):
		L.append('  %-14s%10d%8d%8d' % (b, bo[b], bt[b], bh[b]))
	return '\n'.join(L)


def text(recs):
	return ''.join(json.dumps(o, ensure_ascii=False, separators=(',', ':')) + '\n' for o in recs)


def main():
	items, out = build()
	if '--tables' in sys.argv:
		print(tables(items, out))
		return
	if '--check' in sys.argv:
		# the committed files are what the data and this script make
		bad = 0
		for part, recs in out.items():
			fn = os.path.join(OUT, '%s-en.jsonl' % part)
			with open(fn, encoding='utf-8', newline='') as f:
				if f.read() != text(recs):
					print('%s: differs from what the script writes' % fn); bad = 1
		sys.exit(bad or not check(items, out))
	for part, recs in out.items():
		with open(os.path.join(OUT, '%s-en.jsonl' % part), 'w', encoding='utf-8', newline='\n') as f:
			f.write(text(recs))
	print(tables(items, out))
	if not check(items, out):
		sys.exit(1)


if __name__ == '__main__':
	main()
