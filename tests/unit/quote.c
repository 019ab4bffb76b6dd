/* quote.c - unit tests for op_mail_unquote: replies as real mailers
 * write them (Gmail, Outlook, Apple Mail, Thunderbird in German, Gmail
 * in French), interleaved replies, and text that only looks quoted.
 * MIT licence. */
#include "mail.h"
#include "tap.h"

static op_buf out;

static const char *unquote(const char *s)
{
	op_mail_unquote(&out, s, strlen(s));
	return out.p ? out.p : "";
}

int main(void)
{
	is(unquote("Thanks, Friday at 9 suits us.\n\n"
		   "On Mon, 3 Nov 2025 at 10:02, Sam Hill <sam@heatco.example> wrote:\n"
		   "> Could we come on Friday?\n>\n> Sam\n"),
	   "Thanks, Friday at 9 suits us.", "Gmail: On ... wrote: and > lines");
	is(unquote("Yes please.\n\n"
		   "On Mon, 3 Nov 2025 at 10:02, Samantha Hill-Worthington <\n"
		   "samantha.hill-worthington@heatco.example> wrote:\n\n> Shall we book it?\n"),
	   "Yes please.", "Gmail: the attribution wrapped over two lines");
	is(unquote("That works.\n\n-----Original Message-----\nFrom: Sam Hill\n"
		   "Sent: Monday, November 3, 2025 10:02 AM\nTo: Ann\nSubject: Visit\n\nFriday?\n"),
	   "That works.", "Outlook: -----Original Message-----");
	is(unquote("See you then.\n\n________________________________\n"
		   "From: Sam Hill <sam@heatco.example>\nSent: 03 November 2025 10:02\n"
		   "To: Ann <ann@example.net>\nSubject: Visit\n\nFriday?\n"),
	   "See you then.", "Outlook: From: ... Sent: block and its rule");
	is(unquote("Passt.\n\nVon: Sam Hill <sam@heatco.example>\nGesendet: Montag, 3. November 2025 10:02\n"
		   "An: Anna\nBetreff: Termin\n"),
	   "Passt.", "Outlook in German: Von: ... Gesendet: ...");
	is(unquote("Perfect, thank you.\n\n"
		   "On 3 Nov 2025, at 10:02, Sam Hill <sam@heatco.example> wrote:\n\n> Friday?\n"),
	   "Perfect, thank you.", "Apple Mail");
	is(unquote("Gerne am Freitag.\n\n"
		   "Am 03.11.2025 um 10:02 schrieb Sam Hill <sam@heatco.example>:\n> Freitag?\n"),
	   "Gerne am Freitag.", "German: Am ... schrieb ...:");
	is(unquote("Vendredi me va.\n\n"
		   "Le lun. 3 nov. 2025 \xc3\xa0 10:02, Sam Hill <sam@heatco.example> a \xc3\xa9" "crit :\n"
		   "> Vendredi ?\n"),
	   "Vendredi me va.", "French: Le ... a \xc3\xa9" "crit :");
	is(unquote("> Is the boiler a combi?\nYes, a Worcester.\n> How old?\nAbout 12 years.\n"),
	   "Yes, a Worcester.\nAbout 12 years.", "interleaved: the answers kept, the quotes left out");
	is(unquote("Hello,\n\nOn Monday the boiler stopped.\nIt makes a noise.\n"),
	   "Hello,\n\nOn Monday the boiler stopped.\nIt makes a noise.",
	   "\"On Monday ...\" without wrote: is text");
	is(unquote("From the garden side is easiest.\n>From here on, two escapes.\n"),
	   "From the garden side is easiest.\n>From here on, two escapes.",
	   ">From is mbox's escape, not a quote; From: alone is no Outlook block");
	is(unquote("On Sat, 2016-04-23 at 18:18 +0200, Andy <a@b.example> wrote:\n"
		   "> Is this list fine?\n\nGreat.\n\n> One question: when?\n\nTomorrow.\n"),
	   "Great.\n\nTomorrow.",
	   "an attribution above > lines goes alone: the answers between the quotes stay");
	is(unquote("Thanks.\n\nOn Mon, 3 Nov 2025 at 10:02, Sam <s@h.example> wrote:\n\nCould we come Friday?\n"),
	   "Thanks.", "an attribution above unquoted text: the old mail cut there");
	is(unquote("> all quoted\n> nothing new\n"), "", "all quoted: empty");
	is(unquote(""), "", "empty");
	op_buf_free(&out);
	return done_testing();
}
