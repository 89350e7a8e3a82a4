/**
 * "Use your points" under the cart and checkout blocks' order summary.
 *
 * Reads the shopper's points and rewards from the Store API cart
 * (extensions.vafa) and redeems through extensionCartUpdate (namespace
 * "vafa"): the server redeems at the Vafa service and applies the code as a
 * coupon in the same request, so the block shows the new totals at once.
 *
 * Written against the globals WordPress and WooCommerce provide (wp.element,
 * wp.plugins, wp.i18n, wc.blocksCheckout), so it runs as is; the build copies
 * it with its dependency list (scripts/plugin-build.sh).
 */
/* global window */
( function () {
const { createElement, useState } = window.wp.element;
const { registerPlugin } = window.wp.plugins;
const { __, sprintf } = window.wp.i18n;
const { ExperimentalOrderMeta, extensionCartUpdate } = window.wc.blocksCheckout;

const token = () => Math.random().toString( 36 ).slice( 2 ) + Date.now().toString( 36 );

const Redeem = ( { cart } ) => {
	const vafa = ( cart && cart.extensions && cart.extensions.vafa ) || {};
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState( '' );
	if ( ! vafa.logged_in ) {
		return createElement( 'div', { className: 'vafa vafa-redeem vafa-login' }, __( 'Log in to use your points.', 'vafa' ) );
	}
	const rewards = ( vafa.rewards || [] ).filter( ( r ) => r.affordable && r.kind !== 'points_discount' );
	if ( ! rewards.length ) {
		return null;
	}
	const redeem = ( id ) => {
		setBusy( true );
		setError( '' );
		extensionCartUpdate( { namespace: 'vafa', data: { reward_id: id, token: token() } } )
			.catch( ( e ) => setError( ( e && e.message ) || __( 'Rewards are temporarily unavailable.', 'vafa' ) ) )
			.finally( () => setBusy( false ) );
	};
	return createElement(
		'div',
		{ className: 'vafa vafa-redeem' },
		createElement( 'p', { className: 'vafa-available' },
			/* translators: %s: number of points */
			sprintf( __( 'You have %s points.', 'vafa' ), String( vafa.available ) ) ),
		rewards.map( ( r ) =>
			createElement( 'button', {
				key: r.id, type: 'button', className: 'wc-block-components-button vafa-redeem-button', disabled: busy,
				onClick: () => redeem( r.id ),
			/* translators: 1: reward name, 2: points */
			}, sprintf( __( 'Redeem %1$s (%2$s points)', 'vafa' ), r.name, String( r.points_cost ) ) )
		),
		error ? createElement( 'p', { className: 'vafa-error', role: 'alert' }, error ) : null
	);
};

registerPlugin( 'vafa-redeem', {
	// The slot passes cart, extensions and context to its children.
	render: () => createElement( ExperimentalOrderMeta, null, createElement( Redeem ) ),
	scope: 'woocommerce-checkout',
} );
}() );
