/**
 * The block cart in a real browser (headless Chromium through playwright-core,
 * which @wordpress/scripts already brings): WooCommerce's Cart block renders
 * Vafa's order-summary fill from the Store API cart. Checks that the earn line
 * follows a quantity change without a page load, that Redeem and "pay with
 * points" apply the reward's code as a coupon and lower the total, that
 * removing the coupon works, and that the block speaks Persian (right to
 * left, the JSON translations, Persian digits). Prints what it saw as JSON;
 * scripts/plugin-test.sh judges it.
 *
 * Usage: node block-cart.mjs <site> <login secret> <user id> <cart url> <product id> <reward id> <artifacts dir>
 */
import { chromium } from 'playwright-core';

const [ site, secret, user, cartUrl, product, reward, out ] = process.argv.slice( 2 );
const seen = {};
const browser = await chromium.launch( {
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: [ '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage' ],
} );
const context = await browser.newContext( { viewport: { width: 1100, height: 1500 } } );
const page = await context.newPage();
page.setDefaultTimeout( 30000 );
const consoleErrors = [];
page.on( 'pageerror', ( e ) => consoleErrors.push( String( e ) ) );
// The last cart the Store API answered, for the report when something fails.
let lastCart = null;
page.on( 'response', async ( r ) => {
	if ( /wc\/store\/v1\/(cart|batch)/.test( r.url() ) && r.request().method() !== 'OPTIONS' ) {
		try {
			const body = await r.json();
			lastCart = { url: r.url(), status: r.status(), vafa: JSON.stringify( body ).match( /"vafa":\{[^}]*\}/ )?.[ 0 ] || null };
		} catch ( e ) {}
	}
} );

const text = async ( sel ) => ( ( await page.locator( sel ).first().textContent() ) || '' ).trim();
const attr = ( sel, name ) => page.locator( sel ).first().getAttribute( name );
const total = () => text( '.wc-block-components-totals-footer-item .wc-block-components-totals-item__value' );
// The coupon codes the cart block lists under its totals.
const coupons = () =>
	page.evaluate( () =>
		[ ...document.querySelectorAll( '.wc-block-components-totals-discount .wc-block-components-chip__text' ) ].map( ( e ) => e.textContent.trim().toLowerCase() )
	);
const waitChange = ( sel, name, before ) =>
	page.waitForFunction(
		( [ s, n, b ] ) => {
			const e = document.querySelector( s );
			return e && e.getAttribute( n ) !== b;
		},
		[ sel, name, before ]
	);

try {
	// A real login cookie, so the block's own Store API requests are the shopper's.
	await page.goto( `${ site }/?vafa_test_login=${ secret }&vafa_test_user=${ user }&vafa_test_auth=1` );
	await page.goto( cartUrl );
	// The block renders in the browser: wait for the items or the empty cart before deciding.
	await page.locator( '.wc-block-cart-items, .wp-block-woocommerce-empty-cart-block' ).first().waitFor();
	if ( ! ( await page.locator( '.wc-block-cart-items' ).count() ) ) {
		await page.goto( `${ site }/?add-to-cart=${ product }` );
		await page.goto( cartUrl );
	}
	await page.locator( '.vafa-earn' ).waitFor();
	seen.earn_before = Number( await attr( '.vafa-earn', 'data-points' ) );
	seen.earn_text = await text( '.vafa-earn' );
	seen.quantity_before = Number( await page.locator( '.wc-block-components-quantity-selector__input' ).first().inputValue() );

	// One more of the product: the line follows without a page load.
	await page.locator( '.wc-block-components-quantity-selector__button--plus' ).first().click();
	await waitChange( '.vafa-earn', 'data-points', String( seen.earn_before ) );
	seen.earn_after = Number( await attr( '.vafa-earn', 'data-points' ) );
	seen.quantity_after = Number( await page.locator( '.wc-block-components-quantity-selector__input' ).first().inputValue() );

	// A catalog reward.
	seen.available_before = Number( await attr( '.vafa-available', 'data-points' ) );
	seen.total_before = await total();
	await page.locator( `.vafa-redeem-button[data-reward="${ reward }"]` ).click();
	await page.waitForFunction( () =>
		[ ...document.querySelectorAll( '.wc-block-components-totals-discount .wc-block-components-chip__text' ) ].some( ( e ) => /^vafa-/i.test( e.textContent.trim() ) )
	);
	await waitChange( '.vafa-available', 'data-points', String( seen.available_before ) );
	seen.available_after_reward = Number( await attr( '.vafa-available', 'data-points' ) );
	seen.total_after_reward = await total();
	seen.coupons_after_reward = await coupons();

	// Pay with points: the field is bounded by the rules; use 150 points.
	seen.pay_min = Number( await attr( '.vafa-pay-points', 'min' ) );
	seen.pay_max = Number( await attr( '.vafa-pay-points', 'max' ) );
	await page.locator( '.vafa-pay-points' ).fill( '150' );
	await page.locator( '.vafa-pay-button' ).click();
	await page.waitForFunction( () => document.querySelectorAll( '.wc-block-components-totals-discount .wc-block-components-chip__text' ).length >= 2 );
	await waitChange( '.vafa-available', 'data-points', String( seen.available_after_reward ) );
	seen.available_after_pay = Number( await attr( '.vafa-available', 'data-points' ) );
	seen.total_after_pay = await total();
	seen.coupons_after_pay = await coupons();
	await page.screenshot( { path: `${ out }/block-cart.png`, fullPage: true } );

	// Remove both codes with the chips' remove buttons.
	for ( let i = 0; i < 2; i++ ) {
		const n = ( await coupons() ).length;
		await page.locator( '.wc-block-components-totals-discount .wc-block-components-chip__remove' ).first().click();
		await page.waitForFunction( ( k ) => document.querySelectorAll( '.wc-block-components-totals-discount .wc-block-components-chip__text' ).length < k, n );
	}
	seen.coupons_after_remove = await coupons();
	seen.total_after_remove = await total();

	// In Persian.
	await context.addCookies( [ { name: 'vafa_test_locale', value: 'fa_IR', url: site } ] );
	await page.goto( cartUrl );
	await page.locator( '.vafa-block' ).waitFor();
	seen.fa_dir = await attr( '.vafa-block', 'dir' );
	seen.fa_title = await text( '.vafa-title' );
	seen.fa_available = await text( '.vafa-available' );
	seen.fa_earn = await text( '.vafa-earn' );
	await page.screenshot( { path: `${ out }/block-cart-fa.png`, fullPage: true } );
} catch ( e ) {
	seen.error = String( e && e.message ? e.message.split( '\n' )[ 0 ] : e );
	seen.last_cart = lastCart;
	seen.body_class = await page.evaluate( () => document.body.className ).catch( () => '' );
	seen.cookies = ( await context.cookies() ).map( ( c ) => c.name );
	seen.block_html = await page.evaluate( () => document.querySelector( '.vafa-block' )?.outerHTML || '' ).catch( () => '' );
	await page.screenshot( { path: `${ out }/block-cart-failure.png`, fullPage: true } ).catch( () => {} );
}
seen.page_errors = consoleErrors;
console.log( JSON.stringify( seen ) );
await browser.close();
