/**
 * ISO 639-1 → ISO 639-2/T for the languages a conference is likely to interpret into: MP4 files tag
 * each track with a three-letter code (ffmpeg's `language` metadata), while stages name languages in
 * BCP 47, whose two-letter primary subtags are ISO 639-1.
 */
const TWO_TO_THREE: Record<string, string> = Object.fromEntries(
  (
    'af afr,am amh,ar ara,az aze,be bel,bg bul,bn ben,bo bod,bs bos,ca cat,cs ces,cy cym,da dan,de deu,el ell,en eng,' +
    'es spa,et est,eu eus,fa fas,fi fin,fr fra,ga gle,gl glg,gu guj,ha hau,he heb,hi hin,hr hrv,hu hun,hy hye,id ind,' +
    'ig ibo,is isl,it ita,ja jpn,ka kat,kk kaz,km khm,kn kan,ko kor,ky kir,lb ltz,lo lao,lt lit,lv lav,mk mkd,ml mal,' +
    'mn mon,mr mar,ms msa,mt mlt,my mya,nb nob,ne nep,nl nld,nn nno,no nor,pa pan,pl pol,ps pus,pt por,ro ron,ru rus,' +
    'si sin,sk slk,sl slv,so som,sq sqi,sr srp,sv swe,sw swa,ta tam,te tel,tg tgk,th tha,tk tuk,tl tgl,tr tur,ug uig,' +
    'uk ukr,ur urd,uz uzb,vi vie,yo yor,zh zho,zu zul'
  )
    .split(',')
    .map((pair): [string, string] => [pair.slice(0, 2), pair.slice(3)]),
);

/**
 * The ISO 639-2 code of a BCP 47 tag's language: a three-letter primary subtag is one already
 * (`yue`, `fil`); a two-letter one is looked up; anything else is `und` (undetermined), which players
 * show as an unnamed track rather than a wrong language.
 */
export function iso639_2(tag: string | null): string {
  const primary = (tag ?? '').split('-')[0]?.toLowerCase() ?? '';
  if (/^[a-z]{3}$/.test(primary)) return primary;
  return TWO_TO_THREE[primary] ?? 'und';
}
