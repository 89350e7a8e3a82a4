/**
 * The Vafa dashboard in a real browser (headless Chromium through
 * playwright-core, Debian's /usr/bin/chromium): opens WooCommerce > Vafa
 * Dashboard as the admin in English and in Persian, and reports for each
 * chart whether its canvas holds a drawing (pixels that are not blank), what
 * the chart drew (data-total, the number of labels, the first label) and the
 * page's direction, range label and errors (script errors, console errors,
 * failed requests); saves screenshots. Prints what it
 * saw as JSON; scripts/plugin-test.sh judges it against the service.
 *
 * Usage: node dashboard.mjs <site> <login secret> <admin user id> <artifacts dir> [fa range query]
 */
import { chromium } from 'playwright-core';

const [ site, secret, user, out, faQuery = '' ] = process.argv.slice( 2 );
const seen = {};
const browser = await chromium.launch( {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: [ '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage' ],
} );
const context = await browser.newContext( { viewport: { width: 1280, height: 1400 } } );
const page = await context.newPage();
page.setDefaultTimeout( 30000 );
const errors = [];
const consoleErrors = [];
const failed = [];
page.on( 'pageerror', ( e ) => errors.push( String( e ) ) );
// Resource failures are listed apart, by address: WordPress and WooCommerce
// admin pages ask outside hosts (fonts, avatars) this test site cannot reach.
page.on( 'console', ( m ) => m.type() === 'error' && ! /^Failed to load resource/.test( m.text() ) && consoleErrors.push( m.text() ) );
page.on( 'requestfailed', ( r ) => failed.push( r.url() ) );
page.on( 'response', ( r ) => r.status() >= 400 && failed.push( r.status() + ' ' + r.url() ) );

// What each chart drew: its data attributes and how many of its pixels are not transparent.
const charts = () =>
	page.evaluate( () =>
		Object.fromEntries(
			[ ...document.querySelectorAll( 'canvas[id^="vafa-chart-"]' ) ].map( ( c ) => {
				const d = c.getContext( '2d' ).getImageData( 0, 0, c.width, c.height ).data;
				let painted = 0;
				for ( let i = 3; i < d.length; i += 4 ) {
					painted += d[ i ] > 0 ? 1 : 0;
				}
				return [ c.id.replace( 'vafa-chart-', '' ), { total: c.dataset.total ?? null, labels: Number( c.dataset.labels ?? 0 ), first_label: c.dataset.firstLabel ?? null, painted, width: c.width, height: c.height } ];
			} )
		)
	);
const look = async ( name ) => {
	await page.locator( '.vafa-dashboard' ).waitFor();
	// Charts draw synchronously once the script runs (no animation).
	await page.waitForFunction( () => [ ...document.querySelectorAll( 'canvas[id^="vafa-chart-"]' ) ].every( ( c ) => c.dataset.total !== undefined ) );
	seen[ name ] = {
		dir: await page.evaluate( () => document.documentElement.dir || getComputedStyle( document.querySelector( '.vafa-dashboard' ) ).direction ),
		range: ( ( await page.locator( '.vafa-range' ).textContent() ) || '' ).trim(),
		title: ( ( await page.locator( '.vafa-dashboard h1' ).textContent() ) || '' ).trim(),
		not_available: await page.locator( '.vafa-not-available' ).allTextContents(),
		charts: await charts(),
	};
	await page.screenshot( { path: `${ out }/dashboard-${ name }.png`, fullPage: true } );
};

try {
	// A real login cookie for the admin.
	await page.goto( `${ site }/?vafa_test_login=${ secret }&vafa_test_user=${ user }&vafa_test_auth=1` );
	await page.goto( `${ site }/wp-admin/admin.php?page=vafa-dashboard` );
	await look( 'en' );
	await context.addCookies( [ { name: 'vafa_test_locale', value: 'fa_IR', url: site } ] );
	await page.goto( `${ site }/wp-admin/admin.php?page=vafa-dashboard${ faQuery ? '&' + faQuery : '' }` );
	await look( 'fa' );
} catch ( e ) {
	seen.error = String( e && e.message ? e.message.split( '\n' )[ 0 ] : e );
	await page.screenshot( { path: `${ out }/dashboard-failure.png`, fullPage: true } ).catch( () => {} );
}
seen.page_errors = errors;
seen.console_errors = consoleErrors;
seen.failed_requests = failed;
console.log( JSON.stringify( seen ) );
await browser.close();
