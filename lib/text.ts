import { z } from "zod";

interface TextRules {
  /** Line breaks and tabs allowed (posts, comments, chat, bios); off for titles and names. */
  multiline: boolean;
  /** An empty text allowed (it clears the field, or leaves it out); off: something must show. */
  empty?: boolean;
}

const SHOWS_SOMETHING = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0\u2800]/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /[^\P{Cc}\t\n\r]/u;

const SHOWS_NOTHING = "must show something: it has only spaces or invisible characters";

/**
 * Text people write and others read: post and chat text, comments, titles, names. Surrounding white
 * space is trimmed. Control characters are refused (a one-line text takes no line breaks or tabs,
 * a longer one takes only those), and so is text that would show nothing: only spaces, or only
 * characters that take no room (zero-width and other format characters, combining marks with
 * nothing to combine with, the Hangul fillers and the blank Braille pattern, which are used to fake
 * an empty name). Limits count code points, as zod does: an emoji counts once, a letter written with
 * a combining accent twice.
 */
function writtenText(max: number, { multiline, empty = false }: TextRules) {
  const control = multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL;
  return z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((text) => !control.test(text), {
      message: multiline
        ? "no control characters other than line breaks and tabs"
        : "no control characters or line breaks",
      abort: true,
    })
    .refine((text) => (empty && text === "") || SHOWS_SOMETHING.test(text), { message: SHOWS_NOTHING });
}

/** One line, something that shows, at most `max` characters: titles and names. */
export const lineText = (max: number) => writtenText(max, { multiline: false });

/** Lines of text, something that shows, at most `max` characters: posts, comments, chat messages. */
export const bodyText = (max: number) => writtenText(max, { multiline: true });

/** Lines of text that may be empty, at most `max` characters: a bio, a share's comment. */
export const optionalBodyText = (max: number) => writtenText(max, { multiline: true, empty: true });
