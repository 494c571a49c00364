/**
 * Realistic mail text for the benchmarks: letters of about 1 KB in English and Spanish, words
 * drawn from a few hundred real words with a Zipf-like skew (as in real text), accents, names,
 * numbers and punctuation, so compression, FTS tokenizing and JSON escaping see what they would
 * see in service. Seeded: every run and every system gets the same text.
 */

const ENGLISH = (
  'the and to of a I you it in that is was for my on with be have this are not but we at so all ' +
  'your me he she they can will just what do if up out about know like get love miss hope good ' +
  'time day week month year today tomorrow night morning home family mom dad mother father son ' +
  'daughter brother sister grandma grandpa uncle aunt cousin baby kids school work job money ' +
  'lawyer court date hearing visit visiting phone call letter photo picture birthday holiday ' +
  'christmas thanksgiving church prayer god strong healthy sick doctor hospital car house rent ' +
  'bills dinner cake party game team football basketball weather rain snow summer winter ' +
  'remember always never soon still again really very much better worse tired happy sad proud ' +
  'sorry thank thanks please write wrote read reading book class program certificate release ' +
  'parole lawyer’s appeal commissary stamps tablet message messages news neighbor friend friends'
).split(' ');

const SPANISH = (
  'el la de que y a en un una es se no te lo le los las por con para mi tu su al del más pero ' +
  'como todo todos también ya muy bien mal hoy mañana noche día semana mes año casa familia ' +
  'mamá papá madre padre hijo hija hermano hermana abuela abuelo tío tía primo prima bebé niños ' +
  'escuela trabajo dinero abogado tribunal audiencia visita teléfono llamada carta foto ' +
  'cumpleaños navidad iglesia oración dios fuerte salud enfermo médico hospital coche renta ' +
  'cuentas cena pastel fiesta partido fútbol lluvia invierno verano recuerdo siempre nunca ' +
  'pronto todavía otra vez mucho mejor peor cansado feliz triste orgulloso perdón gracias ' +
  'escríbeme escribí leí libro clase programa certificado libertad condicional apelación ' +
  'estampillas tableta mensaje mensajes noticias vecino amigo amigos corazón ánimo después ' +
  'aquí allá cuídate extraño quiero espero sé está están estás estoy había habían según así'
).split(' ');

const NAMES = (
  'María José Ángel Sofía Lucía Andrés Jesús Verónica Raúl Inés Zoë Chloé Noël Renée Mike ' +
  'Jamal Keisha Tyrone Brittany Dakota Nguyễn Ramírez Muñoz Peña Gómez Núñez'
).split(' ');

export type Language = 'en' | 'es';

/** A seeded pseudo-random source (a 32-bit LCG is plenty for text). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Writes letters; `letter(i)` is deterministic for a given seed and index order. */
export function createLetterWriter(seed = 42) {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Zipf-like: small indexes (frequent words) much more often than large ones.
  const zipf = (list: readonly string[]) => list[Math.floor(random() ** 2.2 * list.length)]!;

  function sentence(words: readonly string[]): string {
    const length = 6 + Math.floor(random() * 12);
    const parts: string[] = [];
    for (let i = 0; i < length; i += 1) {
      const roll = random();
      if (roll < 0.04) parts.push(pick(NAMES));
      else if (roll < 0.06) parts.push(String(Math.floor(random() * 2030)));
      else parts.push(zipf(words));
    }
    const text = parts.join(' ');
    const end = pick(['.', '.', '.', '!', '?', '...']);
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}${end}`;
  }

  return {
    /** About `bytes` UTF-8 bytes of text in the language (en for even i, es for odd by default). */
    letter(language: Language, bytes = 1024): string {
      const words = language === 'en' ? ENGLISH : SPANISH;
      const greeting = language === 'en' ? `Dear ${pick(NAMES)},` : `Querida ${pick(NAMES)}:`;
      let text = greeting;
      while (Buffer.byteLength(text) < bytes) text += ` ${sentence(words)}`;
      // Cut on a character boundary near the size, then end the letter cleanly.
      return `${text.slice(0, bytes - 8).trimEnd()}. ${language === 'en' ? 'Love' : 'Besos'}`;
    },
    subject(language: Language): string {
      return sentence(language === 'en' ? ENGLISH : SPANISH).slice(0, 60);
    },
  };
}
